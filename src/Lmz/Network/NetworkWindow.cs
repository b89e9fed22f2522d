
namespace Lmz.Network;

/// <summary>
/// One stream's integer network, with the window rule that is part of the format:
/// when the window is full, the cache restarts with the <see cref="KeepTokens"/> tokens before
/// the newest one at positions 0.., then the newest one. The rule depends on the position only,
/// so compressor and decompressor make identical calls. The compressor knows its stream's tokens
/// in advance (<see cref="Foresee"/>): it runs up to <see cref="LookaheadRows"/> positions as one
/// step and serves their outputs one by one, so the weights are read once for all of them. The
/// integer network's outputs do not depend on how positions are grouped into steps.
/// </summary>
internal sealed class NetworkWindow : IDisposable
{
    /// <summary>Positions the compressor runs as one step (docs/decisions/speed.md).</summary>
    internal const int LookaheadRows = 64;

    private readonly INetworkEngine _engine;
    private readonly int _context;
    private readonly int[] _history;
    private readonly int[] _run;
    private int _filled;
    private bool _hasLogits;
    private int[]? _upcoming;                  // the compressor's stream, once foreseen
    private float[] _rowLogits = [], _rowHidden = [];
    private int _rowsFirst, _rowsEnd;          // positions whose outputs are in the row buffers
    private int _row = -1;                     // the current position's row there, or -1: the engine's outputs

    public NetworkWindow(INetworkEngine engine, IntegerNetworkSpec spec, int keepTokens)
    {
        if (keepTokens < 1 || keepTokens >= spec.Context) throw new ArgumentOutOfRangeException(nameof(keepTokens));
        (_engine, _context, KeepTokens) = (engine, spec.Context, keepTokens);
        _history = new int[spec.Context];
        _run = new int[keepTokens + 1];
    }

    public int KeepTokens { get; }

    public int HiddenSize => _engine.Hidden.Length;

    public ReadOnlySpan<float> Hidden => !_hasLogits ? default
        : _row < 0 ? _engine.Hidden : _rowHidden.AsSpan(_row * HiddenSize, HiddenSize);

    /// <summary>Takes the stream's tokens (compressing only): later steps may run several positions at once.</summary>
    public void Foresee(int[] tokens)
    {
        _upcoming = tokens;
        if (_rowLogits.Length == 0)
        {
            _rowLogits = new float[LookaheadRows * _engine.Logits.Length];
            _rowHidden = new float[LookaheadRows * HiddenSize];
        }
    }

    /// <summary>
    /// Feeds the previous token (ignored at position 0, which starts the stream) so that
    /// <see cref="Logits"/> then holds the network's outputs for <paramref name="position"/>.
    /// </summary>
    public void Step(int previousToken, int position)
    {
        _row = -1;
        if (position == 0)
        {
            _engine.Reset();
            _filled = 0;
            _hasLogits = false;
            _rowsEnd = 0;
            return;
        }
        if (_filled == _context)
        {
            Array.Copy(_history, _context - KeepTokens, _run, 0, KeepTokens);
            Array.Copy(_history, _context - KeepTokens, _history, 0, KeepTokens);
            _run[KeepTokens] = previousToken;
            _history[KeepTokens] = previousToken;
            _engine.Reset();
            _engine.Run(_run);
            _filled = KeepTokens + 1;
            _rowsEnd = 0;
        }
        else if (_upcoming != null && position < _upcoming.Length)
        {
            if (_upcoming[position - 1] != previousToken) throw new InvalidOperationException("the stream's tokens are not those foreseen");
            if (position >= _rowsEnd)
            {
                // Positions position.. take the tokens before them; the step stops where the window fills.
                int rows = Math.Min(LookaheadRows, Math.Min(_context - _filled, _upcoming.Length - position));
                _engine.RunRows(_upcoming.AsSpan(position - 1, rows), _rowLogits, _rowHidden);
                (_rowsFirst, _rowsEnd) = (position, position + rows);
            }
            _history[_filled++] = previousToken;
            _row = position - _rowsFirst;
        }
        else
        {
            _history[_filled++] = previousToken;
            _run[0] = previousToken;
            _engine.Run(_run.AsSpan(0, 1));
        }
        _hasLogits = true;
    }

    /// <summary>Whether <see cref="Logits"/> holds outputs: not before the stream's first token.</summary>
    public bool HasLogits => _hasLogits;

    /// <summary>The current position's logits, lent until the next <see cref="Step"/>: an array and where they start in it.</summary>
    public (float[] Array, int Offset) Logits => _row < 0 ? (_engine.Logits, 0) : (_rowLogits, _row * _engine.Logits.Length);

    public void Dispose() => _engine.Dispose();
}
