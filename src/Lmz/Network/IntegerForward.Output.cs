using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lmz.Network;

/// <summary><see cref="IntegerForward"/>'s output layer, normalization and quantization, and its scratch buffers.</summary>
internal sealed unsafe partial class IntegerForward
{
    /// <summary>
    /// The hidden states and logits of rows <paramref name="first"/>.. (<paramref name="rows"/> of
    /// them), into consecutive rows of <paramref name="hidden"/> and <paramref name="logits"/>: one
    /// product over every row, so each block of the output matrix is read once for all of them.
    /// </summary>
    private void OutputLayer(int first, int rows, float[] logits, float[] hidden)
    {
        var o = _w.Output;
        int v = _s.VocabSize;
        if (_outputAcc.Length < rows * v) _outputAcc = new int[rows * v];
        Int8Kernels.MatMul(_q.AsSpan(first * _ff), _ff, rows, o, _outputAcc, v, 0, v / Int8Matrix.BlockOutputs, _path);
        float hiddenUnit = 1f / (1 << _s.HiddenBits), logitUnit = 1f / (1 << _s.LogitBits);
        const int clamp = IntegerNetworkSpec.ClampLogit;
        for (int k = 0; k < rows; k++)
        {
            long rr = _r[first + k];
            var q = _q.AsSpan((first + k) * _ff, _d);
            var h = hidden.AsSpan(k * _d, _d);
            for (int j = 0; j < _d; j++) h[j] = ((q[j] * rr * _w.HiddenGain[j] + _w.HiddenBias[j]) >> _s.HiddenShift) * hiddenUnit;
            var acc = _outputAcc.AsSpan(k * v, v);
            var l = logits.AsSpan(k * v, v);
            if (_path < KernelPath.Avx2)
            {
                var y = _scratch.Requantized;
                Int8Kernels.Requantize(acc, rr, o.Multipliers, o.Biases, o.Shift, y, 0, v);
                for (int n = 0; n < v; n++) l[n] = (int)Math.Clamp(y[n], -clamp, clamp) * logitUnit;
                continue;
            }
            var (rv, unit) = (Vector256.Create(rr), Vector256.Create(logitUnit));
            fixed (int* a = acc)
            fixed (long* c = o.Multipliers)
            fixed (long* b = o.Biases)
            fixed (float* to = l)
            {
                for (int n = 0; n < v; n += 8)
                    (Vector256.ConvertToSingle(Int8Kernels.Requantize8(a + n, rv, c + n, b + n, o.Shift, -clamp, clamp)) * unit).Store(to + n);
            }
        }
    }

    /// <summary>
    /// LayerNorm folded into the next product: centres row r's residual, writes Q(c) into the
    /// row's codes and returns r = floor(m · 2^rho / s), s = ⌊√(Σc² + d·ε)⌋.
    /// </summary>
    private long LayerNormQuantize(int r)
    {
        var h = _h.AsSpan(r * _d, _d);
        var c = _scratch.Centred.AsSpan(0, _d);
        long sum = 0, squares = 0;
        int i = 0;
        bool vectors = _path >= KernelPath.Avx2; // integer sums: any order gives the same
        if (vectors)
        {
            var total = Vector256<long>.Zero;
            for (; i + 8 <= _d; i += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create<int>(h[i..]));
                total += lo + hi;
            }
            sum = Vector256.Sum(total);
        }
        for (; i < _d; i++) sum += h[i];
        int mean = (int)(sum >> BitOperations.Log2((uint)_d));
        i = 0;
        if (vectors)
        {
            var (meanV, total) = (Vector256.Create(mean), Vector256<long>.Zero);
            for (; i + 8 <= _d; i += 8)
            {
                var x = Vector256.Create<int>(h[i..]) - meanV;
                x.CopyTo(c[i..]);
                var (lo, hi) = Vector256.Widen(x);
                total += lo * lo + hi * hi;
            }
            squares = Vector256.Sum(total);
        }
        for (; i < _d; i++)
        {
            int x = c[i] = h[i] - mean;
            squares += (long)x * x;
        }
        long s = IntegerSqrt(squares + _d * _s.Epsilon);
        long m = Quantize(c, _q.AsSpan(r * _ff, _d));
        return (m << _s.RhoBits) / s;
    }

    /// <summary>Q(x): int8 codes floor((x · ⌊127·2^24/m⌋ + 2^23) / 2^24), m = max(|x|, 1); returns m.</summary>
    private long Quantize(ReadOnlySpan<int> x, Span<sbyte> codes)
    {
        int m = Int8Kernels.PeakMagnitude(x);
        Int8Kernels.QuantizeCodes(x, (127L << _s.RowShift) / m, _s.RowShift, codes);
        return m;
    }

    /// <summary>⌊√v⌋ exactly: the correctly rounded double square root, then corrected by integer tests.</summary>
    internal static long IntegerSqrt(long v)
    {
        long s = (long)Math.Sqrt(v);
        while (s * s > v) s--;
        while ((s + 1) * (s + 1) <= v) s++;
        return s;
    }

    /// <summary>Buffers for per-row work.</summary>
    internal sealed class Scratch(IntegerNetworkSpec spec)
    {
        public readonly int[] Centred = new int[spec.DModel];
        public readonly short[] Query = new short[spec.HeadDim];
        public readonly sbyte[] Codes = new sbyte[spec.HeadDim];
        public readonly int[] Dots = new int[(spec.Context + 7) & ~7]; // KeyDots writes whole blocks of 8
        public readonly int[] Attention = new int[spec.DModel];
        public readonly long[] Requantized = new long[Math.Max(spec.VocabSize, Math.Max(3 * spec.DModel, 4 * spec.DModel))];
    }
}
