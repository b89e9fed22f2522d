using System.Numerics;

namespace Lmz.Network;

/// <summary>
/// The integer network (docs/INTNET.md) in C#: one token at a time, int8 products through
/// <see cref="Int8Kernels"/>, everything else in int32/int64 with floor shifts, so every CPU,
/// vector width and thread count computes the same integers. Keys and values are cached as int16.
/// </summary>
internal sealed class NativeIntegerEngine : INetworkEngine
{
    private readonly IntegerNetworkWeights _w;
    private readonly IntegerNetworkSpec _s;
    private readonly KernelPath _path;
    private readonly int[] _h;          // residual stream, units 2^-ResidualBits
    private readonly int[] _c;          // centred row / vector to quantize
    private readonly sbyte[] _q;        // int8 codes of the next product's input
    private readonly int[] _acc;        // int32 products
    private readonly int[] _qkv;        // requantized q (k and v go straight to the cache)
    private readonly int[] _attention;  // per-head Σ p v, then the shifted output
    private readonly short[] _q16;      // one head's q codes widened for the key products
    private readonly int[] _dots;
    private readonly short[][] _keys;   // per layer [head][position][headDim]
    private readonly short[][] _values;

    public NativeIntegerEngine(IntegerNetworkWeights weights, KernelPath path)
    {
        if (!Int8Kernels.IsSupported(path)) throw new PlatformNotSupportedException($"kernel path {path} is not supported on this CPU");
        (_w, _s, _path) = (weights, weights.Spec, path);
        int d = _s.DModel, ff = _s.FeedForward;
        _h = new int[d];
        _c = new int[ff];
        _q = new sbyte[ff];
        _acc = new int[Math.Max(_s.VocabSize, Math.Max(3 * d, ff))];
        _qkv = new int[d];
        _attention = new int[d];
        _q16 = new short[_s.HeadDim];
        _dots = new int[_s.Context];
        _keys = new short[_s.Layers][];
        _values = new short[_s.Layers][];
        for (int l = 0; l < _s.Layers; l++)
        {
            _keys[l] = new short[_s.Heads * _s.Context * _s.HeadDim];
            _values[l] = new short[_s.Heads * _s.Context * _s.HeadDim];
        }
    }

    public int Length { get; private set; }

    public KernelPath Path => _path;

    public void Reset() => Length = 0;

    public void Run(ReadOnlySpan<int> tokens, Span<float> logits, Span<float> hidden)
    {
        if (tokens.IsEmpty) throw new ArgumentException("no tokens to run", nameof(tokens));
        if (Length + tokens.Length > _s.Context) throw new InvalidOperationException("the network's window is full");
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)_s.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), "token outside the vocabulary");
            Step(tokens[i], Length);
            Length++;
        }
        Output(logits, hidden);
    }

    private void Step(int token, int position)
    {
        int d = _s.DModel;
        for (int i = 0; i < d; i++) _h[i] = _w.Embedding[token * d + i] + _w.Positions[position * d + i];
        for (int l = 0; l < _s.Layers; l++)
        {
            var layer = _w.Layers[l];
            var k = _s.Blocks[l];
            // Attention: LN -> q, k, v; k and v append to the cache.
            long r = LayerNormQuantize();
            Int8Kernels.MatVec(_q, layer.Qkv, _acc, _path);
            var qkv = layer.Qkv;
            for (int n = 0; n < d; n++) _qkv[n] = (int)Math.Clamp(Requantize(qkv, n, r), -IntegerNetworkSpec.ClampActivation, IntegerNetworkSpec.ClampActivation);
            int dh = _s.HeadDim, ctx = _s.Context;
            for (int n = 0; n < d; n++)
            {
                int head = n / dh, at = (head * ctx + position) * dh + n % dh;
                _keys[l][at] = (short)Math.Clamp(Requantize(qkv, d + n, r), -IntegerNetworkSpec.KeyValueMax, IntegerNetworkSpec.KeyValueMax);
                _values[l][at] = (short)Math.Clamp(Requantize(qkv, 2 * d + n, r), -IntegerNetworkSpec.KeyValueMax, IntegerNetworkSpec.KeyValueMax);
            }
            for (int head = 0; head < _s.Heads; head++) Attend(l, head, position, k);
            // Projection back into the residual stream.
            long m = Quantize(_attention.AsSpan(0, d), _q);
            Int8Kernels.MatVec(_q, layer.Proj, _acc, _path);
            AddToResidual(layer.Proj, m);
            // MLP: LN -> fc -> GELU (table) -> fc_out.
            r = LayerNormQuantize();
            Int8Kernels.MatVec(_q, layer.Fc, _acc, _path);
            int range = _s.GeluRange;
            for (int n = 0; n < layer.Fc.Outputs; n++)
            {
                long u = Requantize(layer.Fc, n, r);
                _c[n] = u > range ? (int)Math.Min(u, IntegerNetworkSpec.ClampActivation) : _w.GeluTable[(int)Math.Max(u, -range) + range];
            }
            m = Quantize(_c.AsSpan(0, layer.Fc.Outputs), _q);
            Int8Kernels.MatVec(_q, layer.FcOut, _acc, _path);
            AddToResidual(layer.FcOut, m);
        }
    }

    /// <summary>Softmax attention of one head at <paramref name="position"/> over the cache 0..position.</summary>
    private void Attend(int layer, int head, int position, IntegerNetworkSpec.LayerConstants k)
    {
        int dh = _s.HeadDim, ctx = _s.Context;
        var qh = _qkv.AsSpan(head * dh, dh);
        long mq = Quantize(qh, _q);
        for (int i = 0; i < dh; i++) _q16[i] = _q[i];
        var keys = _keys[layer].AsSpan(head * ctx * dh);
        var values = _values[layer].AsSpan(head * ctx * dh);
        int max = int.MinValue;
        for (int j = 0; j <= position; j++)
        {
            int dot = Int8Kernels.Dot(_q16, keys.Slice(j * dh, dh), _path);
            _dots[j] = dot;
            if (dot > max) max = dot;
        }
        long a = mq * k.ScoreMultiplier;
        int z = k.ScoreShift, last = _s.ExpSize - 1;
        long half = 1L << (z - 1), sum = 0;
        for (int j = 0; j <= position; j++)
        {
            long index = Math.Min(((max - (long)_dots[j]) * a + half) >> z, last);
            sum += _dots[j] = _w.ExpTable[index];
        }
        long rp = (1L << (_s.ProbBits + _s.ProbShift)) / sum;
        int ps = _s.ProbShift;
        var output = _attention.AsSpan(head * dh, dh);
        output.Clear();
        for (int j = 0; j <= position; j++)
        {
            int p = (int)((_dots[j] * rp + (1L << (ps - 1))) >> ps);
            if (p != 0) Int8Kernels.AddScaled(output, p, values.Slice(j * dh, dh), _path);
        }
        int pb = _s.ProbBits;
        for (int i = 0; i < dh; i++) output[i] = (output[i] + (1 << (pb - 1))) >> pb;
    }

    /// <summary>Final LayerNorm, then logits and the hidden state as floats (exact scaling by powers of two).</summary>
    private void Output(Span<float> logits, Span<float> hidden)
    {
        long r = LayerNormQuantize();
        var o = _w.Output;
        Int8Kernels.MatVec(_q, o, _acc, _path);
        float logitUnit = 1f / (1 << _s.LogitBits);
        for (int n = 0; n < o.Outputs; n++) logits[n] = Requantize(o, n, r) * logitUnit;
        float hiddenUnit = 1f / (1 << _s.HiddenBits);
        for (int i = 0; i < _s.DModel; i++)
            hidden[i] = ((_q[i] * r * _w.HiddenGain[i] + _w.HiddenBias[i]) >> _s.HiddenShift) * hiddenUnit;
    }

    private long Requantize(Int8Matrix m, int n, long r) => (_acc[n] * r * m.Multipliers[n] + m.Biases[n]) >> m.Shift;

    private void AddToResidual(Int8Matrix m, long r)
    {
        int clamp = _s.ClampResidual;
        for (int n = 0; n < m.Outputs; n++) _h[n] = (int)Math.Clamp(_h[n] + Requantize(m, n, r), -clamp, clamp);
    }

    /// <summary>
    /// LayerNorm folded into the next product: centres the residual row, writes Q(c) into _q and
    /// returns r = floor(m · 2^rho / s), s the integer square root of Σc² + d·ε.
    /// </summary>
    private long LayerNormQuantize()
    {
        int d = _s.DModel;
        long sum = 0;
        for (int i = 0; i < d; i++) sum += _h[i];
        int mean = (int)(sum >> BitOperations.Log2((uint)d));
        long squares = 0;
        for (int i = 0; i < d; i++)
        {
            int c = _c[i] = _h[i] - mean;
            squares += (long)c * c;
        }
        long s = IntegerSqrt(squares + d * _s.Epsilon);
        long m = Quantize(_c.AsSpan(0, d), _q);
        return (m << _s.RhoBits) / s;
    }

    /// <summary>Q(x): int8 codes round(127 x / m) by a reciprocal, m = max(|x|, 1); returns m.</summary>
    private long Quantize(ReadOnlySpan<int> x, Span<sbyte> codes)
    {
        int m = 1;
        foreach (int v in x) m = Math.Max(m, Math.Abs(v));
        int shift = _s.RowShift;
        long reciprocal = (127L << shift) / m, half = 1L << (shift - 1);
        for (int i = 0; i < x.Length; i++) codes[i] = (sbyte)Math.Clamp((x[i] * reciprocal + half) >> shift, -127, 127);
        return m;
    }

    /// <summary>floor(√v) exactly (the correctly rounded double square root, then corrected by integer tests).</summary>
    internal static long IntegerSqrt(long v)
    {
        long s = (long)Math.Sqrt(v);
        while (s * s > v) s--;
        while ((s + 1) * (s + 1) <= v) s++;
        return s;
    }

    public void Dispose() { }
}
