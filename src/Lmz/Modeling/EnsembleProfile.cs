using Lmz.Network.Adaptive;
using Lmz.Network;

namespace Lmz.Modeling;

/// <summary>
/// Which predictors a stream uses, from the level and the chunk's method. Both sides build
/// ensembles through here, so the level byte in the header is all the decoder needs.
/// </summary>
public static class EnsembleProfile
{
    /// <summary>Highest n-gram orders per level (1..9); levels 4+ add the transformer.</summary>
    private static readonly int[][] NGramOrders =
    [
        [4],          // 1 (TokenPpmModel)
        [2, 5],       // 2
        [2, 6],       // 3
        [3],          // 4  (with the transformer a second, low-order n-gram measured no gain)
        [4],          // 5
        [5],          // 6
        [6],          // 7
        [6],          // 8
        [6],          // 9
    ];

    public static bool UsesTransformer(int level) => level >= 4;

    /// <summary>
    /// Tokens of context the transformer keeps when its window is full and it re-primes, as
    /// eighths of the window: more kept context predicts better but re-primes more often, and a
    /// re-prime is a multi-token call (64 tokens cost about 1/3 of 64 single steps). Measured with
    /// `lmz -6` (int8 model): keeping 2/8 instead of 4/8 codes alice29.txt 11 bytes and paper1 5
    /// bytes smaller, progc the same, asyoulik.txt 19 bytes larger, and re-primes every 192 tokens
    /// instead of every 128 with a call half as long. Changing this changes every container of
    /// levels 4+, so it goes with a format version (ContainerFormat.Version).
    /// </summary>
    public static int KeptContextEighths(int level) => level <= 7 ? 2 : 6; // level 9 runs no ONNX network (see LearnsNetwork)

    /// <summary>
    /// Whether input that would be the only chunk of its group (say a whole file under 1 MiB) is
    /// coded as two halves when the chunk size is the default: a one-row network step leaves
    /// most of a second core idle, and two streams use both. Levels 4–6 do; 7–9 spend the time
    /// for ratio. Measured with the harness on alice29.txt at level 6, best of 3 (session 5):
    /// 18.6 / 19.4 KB/s compressing / decompressing in two halves against 11.0–11.8 / 11.5–12.0
    /// whole, at 1.6759 against 1.6452 bpb (each half relearns from nothing).
    /// </summary>
    public static bool SplitsLoneChunk(int level) => level is >= 4 and <= 6;

    /// <summary>A level's network window over one stream's engine: its re-prime rule is part of the format.</summary>
    internal static NetworkWindow CreateNetworkWindow(LmzModelBundle bundle, NetworkEngineKind engine, int level, NetworkTeam? team = null)
    {
        var spec = bundle.NetworkSpec;
        return new NetworkWindow(bundle.CreateNetworkEngine(engine, team), spec, spec.Context * KeptContextEighths(level) / 8);
    }

    /// <summary>
    /// Rank of the hidden-state adapter (dynamic evaluation of the output layer) per level; it
    /// needs the transformer. `bench ablate`, payload bpb of alice29.txt / book1 / progl for the
    /// level-6 predictors: rank 0 1.6623 / 1.9767 / 1.3305, rank 8 1.6490 / 1.9572 / 1.3058,
    /// rank 16 1.6407 / 1.9476 / 1.3031, rank 32 1.6359 / 1.9337 / 1.2986, at about 1.5 µs per
    /// plane and token (bench/results/ablation.md has all nine files).
    /// </summary>
    public static int AdapterRank(int level) => level switch { <= 4 => 0, 5 => 8, 6 => 16, _ => 32 };

    /// <summary>A network stream of a level: its own integer network window under the level's ensemble.</summary>
    private static TransformerTokenModel CreateWithNetwork(int level, LmzModelBundle bundle, NetworkEngineKind engine, NetworkTeam? team)
    {
        var network = CreateNetworkWindow(bundle, engine, level, team);
        return new TransformerTokenModel(network, Create(level, bundle.Tokenizer.VocabSize, network));
    }

    /// <summary>
    /// Level 9 codes with the float network of the bundle's weights.f16, which keeps learning the
    /// stream (one SGD step per window, <see cref="AdaptiveTokenModel"/>) instead of the fixed
    /// int8 ONNX network: the best ratio, at a fraction of the speed.
    /// </summary>
    public static bool LearnsNetwork(int level) => level == 9;

    /// <summary>
    /// A neural stream of a level from the bundle: at level 9 its own copy of weights.f16 learning
    /// as it codes, else its own integer network on <paramref name="engine"/> (native streams of one
    /// run share <paramref name="team"/>);
    /// <paramref name="networkThreads"/> and the engine change the speed, never the outputs.
    /// </summary>
    internal static ITokenCodingModel CreateNeural(int level, LmzModelBundle bundle, int networkThreads, NetworkEngineKind engine, NetworkTeam? team)
    {
        int vocabSize = bundle.Tokenizer.VocabSize;
        if (!LearnsNetwork(level)) return CreateWithNetwork(level, bundle, engine, team);
        var weights = bundle.NetworkWeights;
        if (weights.Vocab != vocabSize) throw new InvalidDataException($"the network's vocabulary ({weights.Vocab}) is not the tokenizer's ({vocabSize})");
        var network = new AdaptiveTransformer(weights.Clone(), networkThreads);
        return new AdaptiveTokenModel(network, Create(level, vocabSize, new AdaptiveTokenModel.NetworkRow(network)));
    }

    public static ITokenCodingModel Create(int level, int vocabSize, ITokenPredictor? transformerRow)
    {
        if (level == 1) return new TokenPpmModel(vocabSize, 4);
        var predictors = new List<ITokenPredictor>();
        if (transformerRow != null) predictors.Add(transformerRow);
        predictors.Add(new OrderZeroModel(vocabSize));
        foreach (int order in NGramOrders[level - 1]) predictors.Add(new TokenNGramModel(vocabSize, order));
        predictors.Add(new MatchModel(vocabSize));
        return new TokenEnsemble(vocabSize, predictors, new MixerSettings { AdapterRank = AdapterRank(level) });
    }
}
