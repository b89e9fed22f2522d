using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lmz.Network;

/// <summary>Which instructions compute the integer products; every path gives the same integers.</summary>
internal enum KernelPath
{
    /// <summary>Plain C#, the statement of what the others compute.</summary>
    Scalar,

    /// <summary>Portable 128-bit vectors (SSE2, ARM AdvSimd): widening int16 products.</summary>
    Vector128,

    /// <summary>AVX2: |q| times w carrying q's sign (vpsignb), vpmaddubsw, vpmaddwd; |pair| ≤ 2·127² never saturates.</summary>
    Avx2,

    /// <summary>AVX-VNNI: (q + 128) · w by vpdpbusd, minus 128 · Σw.</summary>
    AvxVnni,
}

/// <summary>
/// The integer network's inner products. Each result is an exact int32 sum of int8 or int16
/// products whose bounds rule out overflow, so the order of the additions (vector width,
/// unrolling) cannot change it.
/// </summary>
internal static partial class Int8Kernels
{
    public static KernelPath Best =>
        AvxVnni.IsSupported ? KernelPath.AvxVnni : Avx2.IsSupported ? KernelPath.Avx2 :
        Vector128.IsHardwareAccelerated ? KernelPath.Vector128 : KernelPath.Scalar;

    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.AvxVnni => AvxVnni.IsSupported,
        KernelPath.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>acc[n] = Σ_k q[k] · w[k][n] for every output n of <paramref name="m"/>.</summary>
    public static void MatVec(ReadOnlySpan<sbyte> q, Int8Matrix m, Span<int> acc, KernelPath path) =>
        MatMul(q, m.Inputs, 1, m, acc, m.Outputs, 0, m.Outputs / Int8Matrix.BlockOutputs, path);

    /// <summary>
    /// For rows r &lt; <paramref name="rows"/> (inputs at q[r·qStride..], outputs at acc[r·accStride..])
    /// and the output blocks [<paramref name="firstBlock"/>, <paramref name="endBlock"/>):
    /// acc[r][n] = Σ_k q[r][k] · w[k][n]. Each block's weights (K·64 bytes) are read once from
    /// memory and stay in L1 for the other rows.
    /// </summary>
    public static unsafe void MatMul(ReadOnlySpan<sbyte> q, int qStride, int rows, Int8Matrix m, Span<int> acc, int accStride,
        int firstBlock, int endBlock, KernelPath path)
    {
        int k = m.Inputs, n = m.Outputs;
        if (rows < 1 || qStride < k || accStride < n || q.Length < (rows - 1) * qStride + k || acc.Length < (rows - 1) * accStride + n
            || firstBlock < 0 || endBlock > n / Int8Matrix.BlockOutputs)
            throw new ArgumentException("buffers shorter than the matrix");
        if (!IsSupported(path)) throw new PlatformNotSupportedException($"kernel path {path} is not supported on this CPU");
        fixed (sbyte* w0 = m.Grouped)
        fixed (sbyte* a0 = q)
        fixed (int* sums = m.ColumnSums)
        fixed (int* c0 = acc)
        {
            for (int block = firstBlock; block < endBlock; block++)
            {
                sbyte* w = w0 + block * Int8Matrix.BlockOutputs * k;
                int o = block * Int8Matrix.BlockOutputs;
                int r = 0;
                if (path == KernelPath.AvxVnni)
                    for (; r + 2 <= rows; r += 2) // a re-prime's rows in pairs: each weight load serves two
                    {
                        sbyte* a = a0 + r * qStride;
                        int* d = c0 + r * accStride + o;
                        PairVnni(a, a + qStride, w, k / 4, sums + o, d, d + accStride);
                        PairVnni(a, a + qStride, w + 128, k / 4, sums + o + 32, d + 32, d + accStride + 32);
                    }
                for (; r < rows; r++)
                {
                    sbyte* a = a0 + r * qStride;
                    int* d = c0 + r * accStride + o;
                    switch (path)
                    {
                        case KernelPath.AvxVnni: BlockVnni(a, w, k / 4, sums + o, d); break;
                        case KernelPath.Avx2: BlockAvx2(a, w, k / 4, d); break;
                        case KernelPath.Vector128: BlockVector128(a, w, k / 4, d); break;
                        default: BlockScalar(a, w, k / 4, d); break;
                    }
                }
            }
        }
    }

    /// <summary>The statement: output j of the block is Σ_g Σ_i a[4g+i] · w[(g·64 + j)·4 + i].</summary>
    private static unsafe void BlockScalar(sbyte* a, sbyte* w, int groups, int* d)
    {
        for (int j = 0; j < Int8Matrix.BlockOutputs; j++)
        {
            int sum = 0;
            for (int g = 0; g < groups; g++)
                for (int i = 0; i < 4; i++) sum += a[4 * g + i] * w[(g * Int8Matrix.BlockOutputs + j) * 4 + i];
            d[j] = sum;
        }
    }

    private const int Ahead = 2048;

    /// <summary>vpdpbusd multiplies unsigned by signed bytes: (q + 128) · w, then 128 · Σw comes off.</summary>
    private static unsafe void BlockVnni(sbyte* a, sbyte* w, int groups, int* sums, int* d)
    {
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int g = 0; g < groups; g++, w += 256)
        {
            if (Sse.IsSupported)
            {
                Sse.PrefetchNonTemporal(w + Ahead);
                Sse.PrefetchNonTemporal(w + Ahead + 64);
                Sse.PrefetchNonTemporal(w + Ahead + 128);
                Sse.PrefetchNonTemporal(w + Ahead + 192);
            }
            var x = Vector256.Create(*(int*)(a + 4 * g) ^ unchecked((int)0x80808080)).AsByte();
            c0 = AvxVnni.MultiplyWideningAndAdd(c0, x, Vector256.Load(w));
            c1 = AvxVnni.MultiplyWideningAndAdd(c1, x, Vector256.Load(w + 32));
            c2 = AvxVnni.MultiplyWideningAndAdd(c2, x, Vector256.Load(w + 64));
            c3 = AvxVnni.MultiplyWideningAndAdd(c3, x, Vector256.Load(w + 96));
            c4 = AvxVnni.MultiplyWideningAndAdd(c4, x, Vector256.Load(w + 128));
            c5 = AvxVnni.MultiplyWideningAndAdd(c5, x, Vector256.Load(w + 160));
            c6 = AvxVnni.MultiplyWideningAndAdd(c6, x, Vector256.Load(w + 192));
            c7 = AvxVnni.MultiplyWideningAndAdd(c7, x, Vector256.Load(w + 224));
        }
        var bias = Vector256.Create(128);
        (c0 - bias * Vector256.Load(sums)).Store(d);
        (c1 - bias * Vector256.Load(sums + 8)).Store(d + 8);
        (c2 - bias * Vector256.Load(sums + 16)).Store(d + 16);
        (c3 - bias * Vector256.Load(sums + 24)).Store(d + 24);
        (c4 - bias * Vector256.Load(sums + 32)).Store(d + 32);
        (c5 - bias * Vector256.Load(sums + 40)).Store(d + 40);
        (c6 - bias * Vector256.Load(sums + 48)).Store(d + 48);
        (c7 - bias * Vector256.Load(sums + 56)).Store(d + 56);
    }

    /// <summary>Half a block (32 outputs, at w + 0 or w + 128 of each group) for two rows at once.</summary>
    private static unsafe void PairVnni(sbyte* a, sbyte* b, sbyte* w, int groups, int* sums, int* da, int* db)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (int g = 0; g < groups; g++, w += 256)
        {
            var x = Vector256.Create(*(int*)(a + 4 * g) ^ unchecked((int)0x80808080)).AsByte();
            var y = Vector256.Create(*(int*)(b + 4 * g) ^ unchecked((int)0x80808080)).AsByte();
            var (w0, w1, w2, w3) = (Vector256.Load(w), Vector256.Load(w + 32), Vector256.Load(w + 64), Vector256.Load(w + 96));
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, x, w0);
            b0 = AvxVnni.MultiplyWideningAndAdd(b0, y, w0);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, x, w1);
            b1 = AvxVnni.MultiplyWideningAndAdd(b1, y, w1);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, x, w2);
            b2 = AvxVnni.MultiplyWideningAndAdd(b2, y, w2);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, x, w3);
            b3 = AvxVnni.MultiplyWideningAndAdd(b3, y, w3);
        }
        var bias = Vector256.Create(128);
        var (s0, s1, s2, s3) = (bias * Vector256.Load(sums), bias * Vector256.Load(sums + 8), bias * Vector256.Load(sums + 16), bias * Vector256.Load(sums + 24));
        (a0 - s0).Store(da); (a1 - s1).Store(da + 8); (a2 - s2).Store(da + 16); (a3 - s3).Store(da + 24);
        (b0 - s0).Store(db); (b1 - s1).Store(db + 8); (b2 - s2).Store(db + 16); (b3 - s3).Store(db + 24);
    }

    /// <summary>|q| (unsigned) times w with q's sign (vpsignb): each int16 pair is at most 2·127² and never saturates.</summary>
    private static unsafe void BlockAvx2(sbyte* a, sbyte* w, int groups, int* d)
    {
        var ones = Vector256.Create((short)1);
        Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        for (int g = 0; g < groups; g++, w += 256)
        {
            var x = Vector256.Create(*(int*)(a + 4 * g)).AsSByte();
            var ax = Avx2.Abs(x);
            c0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w), x)), ones);
            c1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 32), x)), ones);
            c2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 64), x)), ones);
            c3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 96), x)), ones);
            c4 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 128), x)), ones);
            c5 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 160), x)), ones);
            c6 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 192), x)), ones);
            c7 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 224), x)), ones);
        }
        c0.Store(d);
        c1.Store(d + 8);
        c2.Store(d + 16);
        c3.Store(d + 24);
        c4.Store(d + 32);
        c5.Store(d + 40);
        c6.Store(d + 48);
        c7.Store(d + 56);
    }

    /// <summary>Portable: int16 products (|q w| ≤ 127², exact), widened and summed per output's four inputs.</summary>
    private static unsafe void BlockVector128(sbyte* a, sbyte* w0, int groups, int* d)
    {
        for (int j = 0; j < Int8Matrix.BlockOutputs; j += 4)
        {
            Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default;
            sbyte* w = w0 + 4 * j;
            for (int g = 0; g < groups; g++, w += 256)
            {
                sbyte* x4 = a + 4 * g;
                var x = Vector128.Create((short)x4[0], x4[1], x4[2], x4[3], x4[0], x4[1], x4[2], x4[3]);
                var (lo, hi) = Vector128.Widen(Vector128.Load(w));
                var (p0, p1) = Vector128.Widen(lo * x);
                var (p2, p3) = Vector128.Widen(hi * x);
                c0 += p0; c1 += p1; c2 += p2; c3 += p3;
            }
            d[j] = Vector128.Sum(c0);
            d[j + 1] = Vector128.Sum(c1);
            d[j + 2] = Vector128.Sum(c2);
            d[j + 3] = Vector128.Sum(c3);
        }
    }

    /// <summary>max(max_i |x[i]|, 1).</summary>
    public static int PeakMagnitude(ReadOnlySpan<int> x)
    {
        int i = 0, m = 1;
        if (Vector256.IsHardwareAccelerated)
        {
            var peak = Vector256.Create(1);
            for (; i + 8 <= x.Length; i += 8) peak = Vector256.Max(peak, Vector256.Abs(Vector256.Create(x[i..])));
            for (int lane = 0; lane < 8; lane++) m = Math.Max(m, peak.GetElement(lane));
        }
        for (; i < x.Length; i++) m = Math.Max(m, Math.Abs(x[i]));
        return m;
    }

    /// <summary>codes[i] = clamp(floor((x[i] · reciprocal + 2^(shift-1)) / 2^shift), -127, 127), exact in int64.</summary>
    public static unsafe void QuantizeCodes(ReadOnlySpan<int> x, long reciprocal, int shift, Span<sbyte> codes)
    {
        int i = 0;
        long half = 1L << (shift - 1);
        if (Vector256.IsHardwareAccelerated && codes.Length >= x.Length)
        {
            var (rv, hv) = (Vector256.Create(reciprocal), Vector256.Create(half));
            var (lo, hi) = (Vector256.Create(-127L), Vector256.Create(127L));
            fixed (int* from = x)
            fixed (sbyte* to = codes)
            {
                for (; i + 8 <= x.Length; i += 8)
                {
                    var (v0, v1) = Vector256.Widen(Vector256.Load(from + i));
                    var c = Vector256.Narrow(Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(v0 * rv + hv, shift), lo), hi),
                        Vector256.Min(Vector256.Max(Vector256.ShiftRightArithmetic(v1 * rv + hv, shift), lo), hi));
                    var c16 = Vector128.Narrow(c.GetLower(), c.GetUpper()); // |c| ≤ 127: every narrowing is exact
                    *(long*)(to + i) = Vector128.Narrow(c16, c16).AsInt64().ToScalar();
                }
            }
        }
        for (; i < x.Length; i++) codes[i] = (sbyte)Math.Clamp((x[i] * reciprocal + half) >> shift, -127, 127);
    }

    /// <summary>
    /// y[n] = (acc[n] · r · multipliers[n] + biases[n]) >> shift (arithmetic: floor) for n in
    /// [from, to): exact in int64, the caller's bounds keeping every product below 2^61.
    /// </summary>
    public static void Requantize(ReadOnlySpan<int> acc, long r, long[] multipliers, long[] biases, int shift, Span<long> y, int from, int to)
    {
        int n = from;
        if (Vector256.IsHardwareAccelerated)
        {
            var rv = Vector256.Create(r);
            for (; n + 4 <= to; n += 4)
            {
                var a = Vector256.Create((long)acc[n], acc[n + 1], acc[n + 2], acc[n + 3]);
                var v = a * rv * Vector256.Create<long>(multipliers.AsSpan(n)) + Vector256.Create<long>(biases.AsSpan(n));
                Vector256.ShiftRightArithmetic(v, shift).CopyTo(y[n..]);
            }
        }
        for (; n < to; n++) y[n] = (acc[n] * r * multipliers[n] + biases[n]) >> shift;
    }

    /// <summary><see cref="Requantize"/> of the eight outputs at <paramref name="acc"/>, in int64 lanes (exact: the same bounds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe (Vector256<long> Low, Vector256<long> High) Requantize8(int* acc, Vector256<long> r, long* multipliers, long* biases, int shift)
    {
        var (lo, hi) = Vector256.Widen(Vector256.Load(acc));
        return (Vector256.ShiftRightArithmetic(lo * r * Vector256.Load(multipliers) + Vector256.Load(biases), shift),
            Vector256.ShiftRightArithmetic(hi * r * Vector256.Load(multipliers + 4) + Vector256.Load(biases + 4), shift));
    }

    /// <summary><see cref="Requantize8(int*, Vector256{long}, long*, long*, int)"/> clamped to [min, max] (within int32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<int> Requantize8(int* acc, Vector256<long> r, long* multipliers, long* biases, int shift, int min, int max)
    {
        var (lo, hi) = Requantize8(acc, r, multipliers, biases, shift);
        var (a, b) = (Vector256.Create((long)min), Vector256.Create((long)max));
        return Vector256.Narrow(Vector256.Min(Vector256.Max(lo, a), b), Vector256.Min(Vector256.Max(hi, a), b));
    }
}
