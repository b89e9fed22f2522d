namespace Lmz.Network;

/// <summary>
/// One stream's integer network on lmz's own kernels: its key/value cache (int16) and outputs.
/// The arithmetic is <see cref="IntegerForward"/>'s; the weights are shared by every stream.
/// </summary>
internal sealed class NativeIntegerEngine : INetworkEngine
{
    private readonly IntegerForward _forward;
    private readonly IntegerNetworkSpec _s;
    private readonly short[][] _keys;   // per layer: [head][Int8Kernels.KeyIndex(position, i)]
    private readonly short[][] _values; // per layer: [head][Int8Kernels.ValueIndex(position, i)]

    public NativeIntegerEngine(IntegerNetworkWeights weights, KernelPath path)
    {
        if (!Int8Kernels.IsSupported(path)) throw new PlatformNotSupportedException($"kernel path {path} is not supported on this CPU");
        _forward = new IntegerForward(weights, path);
        _s = weights.Spec;
        // The key cache's blocks of eight positions and pairs of dimensions (Int8Kernels.KeyIndex).
        if (_s.Context % 8 != 0 || _s.HeadDim % 2 != 0)
            throw new InvalidDataException($"the native engine needs a context that is a multiple of 8 and an even head width (context {_s.Context}, head width {_s.HeadDim}); use --engine onnxruntime");
        int size = _s.Heads * _s.Context * _s.HeadDim;
        _keys = new short[_s.Layers][];
        _values = new short[_s.Layers][];
        for (int l = 0; l < _s.Layers; l++) (_keys[l], _values[l]) = (new short[size], new short[size]);
        Logits = new float[_s.VocabSize];
        Hidden = new float[_s.DModel];
        PendingTokens = new int[_s.Context];
    }

    public int Length { get; private set; }

    public float[] Logits { get; }

    public float[] Hidden { get; }

    // Read by the forward pass during a step.
    internal int[] PendingTokens { get; }
    internal int PendingCount { get; private set; }

    public void Reset() => Length = 0;

    public void Run(ReadOnlySpan<int> tokens) => Run(tokens, null, null);

    public void RunRows(ReadOnlySpan<int> tokens, float[] logits, float[] hidden)
    {
        if (logits.Length < tokens.Length * _s.VocabSize || hidden.Length < tokens.Length * _s.DModel)
            throw new ArgumentException("output buffers shorter than the rows");
        Run(tokens, logits, hidden);
    }

    private void Run(ReadOnlySpan<int> tokens, float[]? rowLogits, float[]? rowHidden)
    {
        if (tokens.IsEmpty) throw new ArgumentException("no tokens to run", nameof(tokens));
        if (Length + tokens.Length > _s.Context) throw new InvalidOperationException("the network's window is full");
        foreach (int t in tokens)
            if ((uint)t >= (uint)_s.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), "token outside the vocabulary");
        tokens.CopyTo(PendingTokens);
        PendingCount = tokens.Length;
        _forward.Run(this, rowLogits, rowHidden);
        Length += tokens.Length;
    }

    /// <summary>A layer's keys from <paramref name="position"/>'s first entry on (blocks of eight positions interleaved; heads lie ctx·dh apart).</summary>
    internal Span<short> KeyRow(int layer, int position) => _keys[layer].AsSpan(Int8Kernels.KeyIndex(position, 0, _s.HeadDim));

    /// <summary>A layer's values from <paramref name="position"/>'s first entry on (pairs of positions interleaved).</summary>
    internal Span<short> ValueRow(int layer, int position) => _values[layer].AsSpan(Int8Kernels.ValueIndex(position, 0, _s.HeadDim));

    internal Span<short> Keys(int layer, int head) => _keys[layer].AsSpan(head * _s.Context * _s.HeadDim, _s.Context * _s.HeadDim);

    internal Span<short> Values(int layer, int head) => _values[layer].AsSpan(head * _s.Context * _s.HeadDim, _s.Context * _s.HeadDim);

    public void Dispose() { }
}
