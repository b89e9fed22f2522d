using Lmz.Models.Tokens;
using Lmz.Network;
using Lmz.Network.Adaptive;
using Lmz.Bundles;

namespace Lmz.Methods;

/// <summary>
/// Builds a token stream's coder from the options of its level (<see cref="TokenCoderOptions"/>).
/// Both sides build coders through here, so the header's level is all the decoder needs.
/// </summary>
internal static class TokenCoderFactory
{
    /// <summary>A network window over one stream's engine: its re-prime rule is part of the format.</summary>
    internal static NetworkWindow CreateNetworkWindow(Bundle bundle, NetworkEngineKind engine, TokenCoderOptions options)
    {
        var spec = bundle.NetworkSpec;
        return new NetworkWindow(bundle.CreateNetworkEngine(engine), spec, spec.Context * options.KeptContextEighths / 8);
    }

    /// <summary>
    /// A neural stream from the bundle: with the learning network its own copy of weights.f16
    /// learning as it codes, else its own integer network on <paramref name="engine"/>;
    /// <paramref name="networkThreads"/> and the engine change the speed, never the outputs.
    /// </summary>
    internal static ITokenCoder CreateNeural(TokenCoderOptions options, Bundle bundle, int networkThreads, NetworkEngineKind engine)
    {
        int vocabSize = bundle.Tokenizer.VocabSize;
        if (options.Network != TokenNetwork.Learning)
        {
            var window = CreateNetworkWindow(bundle, engine, options);
            return new TransformerTokenCoder(window, Create(options, vocabSize, new NetworkPredictor(window)));
        }
        var weights = bundle.NetworkWeights;
        if (weights.Vocab != vocabSize) throw new InvalidDataException($"the network's vocabulary ({weights.Vocab}) is not the tokenizer's ({vocabSize})");
        var network = new AdaptiveTransformer(weights.Clone(), networkThreads);
        return new LearningTokenCoder(network, Create(options, vocabSize, new LearningTokenCoder.NetworkRow(network)), bundle.Learning);
    }

    /// <summary>The ensemble (or candidate-set coder) of <paramref name="options"/>, over <paramref name="networkRow"/> when there is a network.</summary>
    public static ITokenCoder Create(TokenCoderOptions options, int vocabSize, ITokenPredictor? networkRow)
    {
        if (options.CandidateSets) return new TokenPpmCoder(vocabSize, options.NGramOrders[0]);
        var predictors = new List<ITokenPredictor>();
        if (networkRow != null) predictors.Add(networkRow);
        predictors.Add(new OrderZeroModel(vocabSize));
        foreach (int order in options.NGramOrders) predictors.Add(new TokenNGramModel(vocabSize, order));
        predictors.Add(new MatchModel(vocabSize));
        return new TokenEnsemble(vocabSize, predictors, new MixerSettings { AdapterRank = options.AdapterRank });
    }
}
