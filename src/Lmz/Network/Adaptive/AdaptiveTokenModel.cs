using Lmz.Coding;
using Lmz.Modeling;

namespace Lmz.Network.Adaptive;

/// <summary>
/// A token stream coded with a network that keeps learning the stream (dynamic evaluation):
/// tokens are coded in windows of <see cref="Window"/>; each window is predicted after the
/// <see cref="Context"/> tokens before it, and once it is coded the network takes one SGD step
/// on it (learning rate <see cref="LearningRate"/>, mean cross entropy), then re-primes for the
/// next. The decoder repeats every step on the same tokens, so both hold the same weights.
/// </summary>
public sealed class AdaptiveTokenModel : ITokenCodingModel, ITokenDistribution
{
    /// <summary>Tokens per SGD step.</summary>
    public const int Window = 128;

    /// <summary>Tokens of context before each window (window + context = the network's 256).</summary>
    public const int Context = 128;

    /// <summary>
    /// Plain SGD on the window's mean cross entropy. The network alone learns best near 0.03
    /// (models/training/dyneval.py and `bench adaptive`, alice29.txt: static 1.974 bpb; rate
    /// 0.01 1.664, 0.03 1.641, 0.05 1.665, 0.1 diverges; Adam 1e-4 1.675), but inside the
    /// ensemble, whose n-grams, match model, bias head and adapter already learn the file, a
    /// gentler rate pays: level 9 on alice29.txt (`bench roundtrip 9 --compress-only`) gave
    /// 1.6065 bpb at 0.03, 1.5813 at 0.01, 1.5796 at 0.005 and 1.5842 at 0.002 (level 7:
    /// 1.6068). Adding the fixed int8 network as a second input measured 1.5779 at 0.01 and
    /// 1.5838 at 0.03, at half the speed, so it is not used.
    /// </summary>
    public const float LearningRate = 0.005f;

    private readonly AdaptiveTransformer _network;
    private readonly ITokenCodingModel _ensemble;

    private readonly List<int> _inputs = [0]; // input i predicts token i; input 0 is token 0, as in NetworkWindow
    private int _coded;

    /// <param name="network">The stream's own network (it learns, so it is never shared).</param>
    /// <param name="ensemble">The stream's ensemble, built over a <see cref="NetworkRow"/> of <paramref name="network"/>.</param>
    public AdaptiveTokenModel(AdaptiveTransformer network, ITokenCodingModel ensemble)
    {
        if (network.Context < Window + Context) throw new ArgumentException($"the network's context must hold {Window + Context} tokens", nameof(network));
        _network = network;
        _ensemble = ensemble;
    }

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        Advance();
        _ensemble.Encode(encoder, token);
        Append(token);
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        Advance();
        int token = _ensemble.Decode(decoder);
        Append(token);
        return token;
    }

    FrequencyTable ITokenDistribution.Predict()
    {
        Advance();
        return Distribution.Predict();
    }

    void ITokenDistribution.Update(int token)
    {
        Distribution.Update(token);
        Append(token);
    }

    private ITokenDistribution Distribution => _ensemble as ITokenDistribution
        ?? throw new InvalidOperationException("the ensemble does not expose its distribution");

    private void Advance()
    {
        if (_coded % Window == 0) StartWindow(_network, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_inputs), _coded, LearningRate);
        _network.Step(_inputs[_coded]);
    }

    /// <summary>
    /// The window rule, before predicting token <paramref name="coded"/> (a multiple of
    /// <see cref="Window"/>): one SGD step on the window just coded (none before the first, or at
    /// rate 0), then the cache re-primed with the <see cref="Context"/> inputs before the new one.
    /// <paramref name="inputs"/> holds input i = token i − 1 (input 0 is token 0) up to input <paramref name="coded"/>.
    /// </summary>
    public static void StartWindow(AdaptiveTransformer network, ReadOnlySpan<int> inputs, int coded, float rate)
    {
        if (coded > 0 && rate > 0)
        {
            int first = Math.Max(0, coded - Window - Context);
            network.Train(inputs[first..coded], inputs[(coded - Window + 1)..(coded + 1)], rate);
        }
        network.Prime(inputs[Math.Max(0, coded - Context)..coded]);
    }

    private void Append(int token)
    {
        _inputs.Add(token);
        _coded++;
    }

    /// <summary>The network's predictions as the ensemble's first predictor (and its hidden state for the adapter).</summary>
    public sealed class NetworkRow(AdaptiveTransformer network) : ITokenPredictor, IHiddenStateSource
    {
        public int HiddenSize => network.Hidden.Length;

        public ReadOnlySpan<float> Hidden => network.Filled > 0 ? network.Hidden : default;

        public void Predict(TokenScores scores)
        {
            if (network.Filled == 0) { scores.BeginSparse(); return; }
            scores.UseDense(network.Logits, 0);
        }

        public void Update(int token) { } // the model feeds tokens through Step
    }
}
