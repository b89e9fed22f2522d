using Lmz.Coding;
using Lmz.Network;
using Lmz.Network.Adaptive;

namespace Lmz.Models.Tokens;

/// <summary>
/// A token stream coded with a network that keeps learning the stream (dynamic evaluation):
/// tokens are coded in windows of <see cref="Window"/>; each window is predicted after the
/// <see cref="Context"/> tokens before it, and once it is coded the network takes one SGD step
/// on it (plain SGD on the mean cross entropy at the bundle's <see cref="LearningSettings.Rate"/>), then re-primes for the
/// next. The decoder repeats every step on the same tokens, so both hold the same weights.
/// </summary>
internal sealed class LearningTokenCoder : ITokenCoder, ITokenDistribution
{
    /// <summary>Tokens per SGD step.</summary>
    public const int Window = 128;

    /// <summary>Tokens of context before each window (window + context = the network's 256).</summary>
    public const int Context = 128;

    private readonly AdaptiveTransformer _network;
    private readonly ITokenCoder _ensemble;
    private readonly float _rate;

    private readonly List<int> _inputs = [0]; // input i predicts token i; input 0 is token 0, as in NetworkWindow
    private int _coded;

    /// <param name="network">The stream's own network (it learns, so it is never shared).</param>
    /// <param name="ensemble">The stream's ensemble, built over a <see cref="NetworkRow"/> of <paramref name="network"/>.</param>
    /// <param name="settings">The bundle's learning settings (learning.json).</param>
    internal LearningTokenCoder(AdaptiveTransformer network, ITokenCoder ensemble, LearningSettings settings)
    {
        if (network.Context < Window + Context) throw new ArgumentException($"the network's context must hold {Window + Context} tokens", nameof(network));
        _network = network;
        _ensemble = ensemble;
        _rate = settings.Rate;
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
        if (_coded % Window == 0) StartWindow(_network, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_inputs), _coded, _rate);
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
