using Lmz.Modeling;

namespace Lmz.Network;

/// <summary>
/// One stream's integer network as a predictor, with the window rule that is part of the format:
/// when the window is full, the cache restarts with the <see cref="KeepTokens"/> tokens before
/// the newest one at positions 0.., then the newest one. The rule depends on the position only,
/// so compressor and decompressor make identical calls.
/// </summary>
internal sealed class NetworkWindow : ITokenPredictor, IHiddenStateSource, IDisposable
{
    private readonly INetworkEngine _engine;
    private readonly int _context;
    private readonly int[] _history;
    private readonly int[] _run;
    private int _filled;
    private bool _hasLogits;

    public NetworkWindow(INetworkEngine engine, IntegerNetworkSpec spec, int keepTokens)
    {
        if (keepTokens < 1 || keepTokens >= spec.Context) throw new ArgumentOutOfRangeException(nameof(keepTokens));
        (_engine, _context, KeepTokens) = (engine, spec.Context, keepTokens);
        _history = new int[spec.Context];
        _run = new int[keepTokens + 1];
    }

    public int KeepTokens { get; }

    public int HiddenSize => _engine.Hidden.Length;

    public ReadOnlySpan<float> Hidden => _hasLogits ? _engine.Hidden : default;

    /// <summary>
    /// Feeds the previous token (ignored at position 0, which starts the stream) so that
    /// <see cref="Predict"/> then reads the network's outputs for <paramref name="position"/>.
    /// </summary>
    public void Step(int previousToken, int position)
    {
        if (position == 0)
        {
            _engine.Reset();
            _filled = 0;
            _hasLogits = false;
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
        }
        else
        {
            _history[_filled++] = previousToken;
            _run[0] = previousToken;
            _engine.Run(_run.AsSpan(0, 1));
        }
        _hasLogits = true;
    }

    public void Predict(TokenScores scores)
    {
        if (!_hasLogits) { scores.BeginSparse(); return; }
        scores.UseDense(_engine.Logits, 0); // lent: unchanged until the next Step, after every update
    }

    public void Update(int token) { } // the stream feeds tokens through Step

    public void Dispose() => _engine.Dispose();
}
