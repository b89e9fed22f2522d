using Lmz.Formats;
using Lmz.Models.Tokens;
using Lmz.Network;
using Lmz.Network.Adaptive;

namespace Lmz.Methods;

/// <summary>
/// Builds a stream's model from its level's <see cref="LevelProfile"/> and the chunk's method.
/// Both sides build ensembles through here, so the level byte in the header is all the decoder needs.
/// </summary>
public static class TokenCoderFactory
{
    /// <summary>A level's network window over one stream's engine: its re-prime rule is part of the format.</summary>
    internal static NetworkWindow CreateNetworkWindow(LmzModelBundle bundle, NetworkEngineKind engine, int level)
    {
        var spec = bundle.NetworkSpec;
        return new NetworkWindow(bundle.CreateNetworkEngine(engine), spec, spec.Context * LevelProfile.For(level).KeptContextEighths / 8);
    }

    /// <summary>A network stream of a level: its own integer network window under the level's ensemble.</summary>
    private static TransformerTokenCoder CreateWithNetwork(int level, LmzModelBundle bundle, NetworkEngineKind engine)
    {
        var network = CreateNetworkWindow(bundle, engine, level);
        return new TransformerTokenCoder(network, Create(level, bundle.Tokenizer.VocabSize, network));
    }

    /// <summary>
    /// A neural stream of a level from the bundle: at level 9 its own copy of weights.f16 learning
    /// as it codes, else its own integer network on <paramref name="engine"/>;
    /// <paramref name="networkThreads"/> and the engine change the speed, never the outputs.
    /// </summary>
    internal static ITokenCoder CreateNeural(int level, LmzModelBundle bundle, int networkThreads, NetworkEngineKind engine)
    {
        int vocabSize = bundle.Tokenizer.VocabSize;
        if (LevelProfile.For(level).Network != LevelNetwork.Learning) return CreateWithNetwork(level, bundle, engine);
        var weights = bundle.NetworkWeights;
        if (weights.Vocab != vocabSize) throw new InvalidDataException($"the network's vocabulary ({weights.Vocab}) is not the tokenizer's ({vocabSize})");
        var network = new AdaptiveTransformer(weights.Clone(), networkThreads);
        return new LearningTokenCoder(network, Create(level, vocabSize, new LearningTokenCoder.NetworkRow(network)), bundle.Learning);
    }

    public static ITokenCoder Create(int level, int vocabSize, ITokenPredictor? transformerRow)
    {
        var profile = LevelProfile.For(level);
        if (profile.CandidateSets) return new TokenPpmCoder(vocabSize, profile.NGramOrders[0]);
        var predictors = new List<ITokenPredictor>();
        if (transformerRow != null) predictors.Add(transformerRow);
        predictors.Add(new OrderZeroModel(vocabSize));
        foreach (int order in profile.NGramOrders) predictors.Add(new TokenNGramModel(vocabSize, order));
        predictors.Add(new MatchModel(vocabSize));
        return new TokenEnsemble(vocabSize, predictors, new MixerSettings { AdapterRank = profile.AdapterRank });
    }
}
