namespace Lmz.Network;

/// <summary>
/// One stream's integer network on lmz's own kernels: its key/value cache (int16) and outputs.
/// The arithmetic is <see cref="IntegerForward"/>'s, run for this stream's tokens together with
/// the other streams of its <see cref="NetworkTeam"/> (alone, if it has its own team).
/// </summary>
internal sealed class NativeIntegerEngine : INetworkEngine
{
    private readonly NetworkTeam _team;
    private readonly IntegerNetworkSpec _s;
    private readonly short[][] _keys;   // per layer: [head][position][headDim]
    private readonly short[][] _values; // per layer: [head][Int8Kernels.ValueIndex(position, i)]
    private bool _left;

    /// <summary>A stream with a team of its own (tests, benchmarks).</summary>
    public NativeIntegerEngine(IntegerNetworkWeights weights, KernelPath path) : this(new NetworkTeam(weights, path)) { }

    public NativeIntegerEngine(NetworkTeam team)
    {
        _team = team;
        _s = team.Forward.Spec;
        int size = _s.Heads * _s.Context * _s.HeadDim;
        _keys = new short[_s.Layers][];
        _values = new short[_s.Layers][];
        for (int l = 0; l < _s.Layers; l++) (_keys[l], _values[l]) = (new short[size], new short[size]);
        Logits = new float[_s.VocabSize];
        Hidden = new float[_s.DModel];
        PendingTokens = new int[_s.Context];
        Scratch = new IntegerForward.Scratch(_s);
        team.Join(this);
    }

    public int Length { get; private set; }

    public float[] Logits { get; }

    public float[] Hidden { get; }

    // Read by the team and the forward pass during a step.
    internal int[] PendingTokens { get; }
    internal int PendingCount { get; private set; }
    internal IntegerForward.Scratch Scratch { get; }
    internal bool Assigned;
    internal int MemberIndex;
    internal int BarrierSense;

    public void Reset() => Length = 0;

    public void Run(ReadOnlySpan<int> tokens)
    {
        if (tokens.IsEmpty) throw new ArgumentException("no tokens to run", nameof(tokens));
        if (Length + tokens.Length > _s.Context) throw new InvalidOperationException("the network's window is full");
        foreach (int t in tokens)
            if ((uint)t >= (uint)_s.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), "token outside the vocabulary");
        ObjectDisposedException.ThrowIf(_left, this);
        tokens.CopyTo(PendingTokens);
        PendingCount = tokens.Length;
        _team.Step(this);
        Length += tokens.Length;
    }

    /// <summary>A layer's keys from <paramref name="position"/>'s first entry on (heads lie ctx·dh apart).</summary>
    internal Span<short> KeyRow(int layer, int position) => _keys[layer].AsSpan(position * _s.HeadDim);

    /// <summary>A layer's values from <paramref name="position"/>'s first entry on (pairs of positions interleaved).</summary>
    internal Span<short> ValueRow(int layer, int position) => _values[layer].AsSpan(Int8Kernels.ValueIndex(position, 0, _s.HeadDim));

    internal Span<short> Keys(int layer, int head) => _keys[layer].AsSpan(head * _s.Context * _s.HeadDim, _s.Context * _s.HeadDim);

    internal Span<short> Values(int layer, int head) => _values[layer].AsSpan(head * _s.Context * _s.HeadDim, _s.Context * _s.HeadDim);

    public void Dispose()
    {
        if (_left) return;
        _left = true;
        _team.Leave(this);
    }
}
