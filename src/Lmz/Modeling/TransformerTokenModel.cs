using Lmz.Coding;

namespace Lmz.Modeling;

/// <summary>
/// A token stream coded with the transformer: before each prediction its own one-row
/// <see cref="TransformerBatch"/> takes the previous token, then the ensemble (whose first
/// predictor reads that row) codes and learns. Every stream owns its network state, so streams
/// run on separate threads without lockstep and a stream's bits never depend on another's.
/// </summary>
public sealed class TransformerTokenModel : ITokenCodingModel, IDisposable
{
    private readonly TransformerBatch _network;
    private readonly ITokenCodingModel _ensemble;
    private readonly int[] _previous = new int[1];
    private int _position;

    /// <param name="network">A batch of one row, owned (disposed) by this model.</param>
    /// <param name="ensemble">The stream's ensemble, built over <c>network.Predictors[0]</c>.</param>
    public TransformerTokenModel(TransformerBatch network, ITokenCodingModel ensemble)
    {
        if (network.Predictors.Length != 1) throw new ArgumentException("a stream needs a batch of one row", nameof(network));
        _network = network;
        _ensemble = ensemble;
    }

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        _network.Step(_previous, _position++);
        _ensemble.Encode(encoder, token);
        _previous[0] = token;
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        _network.Step(_previous, _position++);
        return _previous[0] = _ensemble.Decode(decoder);
    }

    public void Dispose() => _network.Dispose();
}
