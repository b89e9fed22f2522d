using Lmz.Coding;
using Lmz.Network;

namespace Lmz.Models.Tokens;

/// <summary>
/// A token stream coded with the transformer: before each prediction its own
/// <see cref="NetworkWindow"/> takes the previous token, then the ensemble (whose first
/// predictor reads that window) codes and learns. Every stream owns its network state, so streams
/// run on separate threads without lockstep and a stream's bits never depend on another's.
/// </summary>
internal sealed class TransformerTokenCoder : ITokenCoder, ITokenDistribution, IEncoderLookahead, IDisposable
{
    private readonly NetworkWindow _network;
    private readonly ITokenCoder _ensemble;
    private int _previous;
    private int _position;

    /// <param name="network">The stream's network, owned (disposed) by this model.</param>
    /// <param name="ensemble">The stream's ensemble, built over <paramref name="network"/>.</param>
    public TransformerTokenCoder(NetworkWindow network, ITokenCoder ensemble)
    {
        _network = network;
        _ensemble = ensemble;
    }

    public void Foresee(int[] tokens) => _network.Foresee(tokens);

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        _network.Step(_previous, _position++);
        _ensemble.Encode(encoder, token);
        _previous = token;
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        _network.Step(_previous, _position++);
        return _previous = _ensemble.Decode(decoder);
    }

    public FrequencyTable Predict()
    {
        _network.Step(_previous, _position++);
        return Distribution.Predict();
    }

    public void Update(int token)
    {
        Distribution.Update(token);
        _previous = token;
    }

    private ITokenDistribution Distribution => _ensemble as ITokenDistribution
        ?? throw new InvalidOperationException("the ensemble does not expose its distribution");

    public void Dispose() => _network.Dispose();
}
