using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lmz.Network;

/// <summary>The attention kernels of <see cref="Int8Kernels"/>: key dots, exponent scores and weighted values.</summary>
internal static partial class Int8Kernels
{
    /// <summary>
    /// Where key (position j, dimension i) lies in a head's cache: blocks of eight positions, in
    /// each block the pairs of dimensions in order and in each pair the eight positions side by
    /// side, so one vpmaddwd gives a pair's share of eight dot products (dh even).
    /// </summary>
    public static int KeyIndex(int j, int i, int dh) => ((j >> 3) * dh + (i & ~1)) * 8 + (j & 7) * 2 + (i & 1);

    /// <summary>
    /// dots[j] = Σ_i q[i] · key(j, i) for j &lt; <paramref name="count"/>, keys in the
    /// <see cref="KeyIndex"/> layout (|q| ≤ 127, |key| ≤ 32767, dh ≤ 256: every sum fits in
    /// int32); returns the largest. dots needs room for <paramref name="count"/> rounded up to 8.
    /// </summary>
    public static unsafe int KeyDots(short* q, short* keys, int count, int dh, int* dots, KernelPath path)
    {
        int max = int.MinValue, j = 0;
        if (path >= KernelPath.Avx2 && dh % 8 == 0)
        {
            int* pairs = (int*)q; // (q[2p], q[2p + 1]) as one int
            var peak = Vector256.Create(int.MinValue);
            for (; j < count; j += 8, keys += 8 * dh)
            {
                Vector256<int> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < dh / 2; p += 4)
                {
                    s0 += Avx2.MultiplyAddAdjacent(Vector256.Load(keys + 16 * p), Vector256.Create(pairs[p]).AsInt16());
                    s1 += Avx2.MultiplyAddAdjacent(Vector256.Load(keys + 16 * p + 16), Vector256.Create(pairs[p + 1]).AsInt16());
                    s2 += Avx2.MultiplyAddAdjacent(Vector256.Load(keys + 16 * p + 32), Vector256.Create(pairs[p + 2]).AsInt16());
                    s3 += Avx2.MultiplyAddAdjacent(Vector256.Load(keys + 16 * p + 48), Vector256.Create(pairs[p + 3]).AsInt16());
                }
                var sum = (s0 + s1) + (s2 + s3);
                sum.Store(dots + j);
                if (j + 8 <= count) peak = Vector256.Max(peak, sum);
                else for (int lane = 0; lane < count - j; lane++) max = Math.Max(max, dots[j + lane]);
            }
            for (int lane = 0; lane < 8; lane++) max = Math.Max(max, peak.GetElement(lane));
            return max;
        }
        if (path == KernelPath.Vector128)
        {
            for (; j < count; j += 8, keys += 8 * dh)
            {
                // Products per (position, dimension of the pair), folded over the pair at the end.
                Vector128<int> s01 = default, s23 = default, s45 = default, s67 = default;
                for (int i = 0; i < dh; i += 2)
                {
                    var qq = Vector128.Create((int)q[i], q[i + 1], q[i], q[i + 1]);
                    var (k01, k23) = Vector128.Widen(Vector128.Load(keys + 8 * i));
                    var (k45, k67) = Vector128.Widen(Vector128.Load(keys + 8 * i + 8));
                    s01 += k01 * qq; s23 += k23 * qq; s45 += k45 * qq; s67 += k67 * qq;
                }
                int n = Math.Min(8, count - j);
                Span<int> block = [s01[0] + s01[1], s01[2] + s01[3], s23[0] + s23[1], s23[2] + s23[3],
                    s45[0] + s45[1], s45[2] + s45[3], s67[0] + s67[1], s67[2] + s67[3]];
                for (int lane = 0; lane < n; lane++) max = Math.Max(max, dots[j + lane] = block[lane]);
            }
            return max;
        }
        for (; j < count; j++)
        {
            int sum = 0;
            short* block = keys + (j >> 3) * 8 * dh + (j & 7) * 2;
            for (int i = 0; i < dh; i += 2) sum += q[i] * block[i * 8] + q[i + 1] * block[i * 8 + 1];
            dots[j] = sum;
            if (sum > max) max = sum;
        }
        return max;
    }

    /// <summary>
    /// Attention scores to table exponentials in place: dots[j] = exp[min(((max − dots[j])·a +
    /// 2^(z−1)) >> z, last)] for j &lt; <paramref name="count"/>; returns their sum. Eight at a
    /// time in int64 lanes with a gather where AVX2 is there: the same integers.
    /// </summary>
    public static unsafe long ExpScores(int* dots, int count, int max, long a, int z, int* exp, int last, KernelPath path)
    {
        long half = 1L << (z - 1), sum = 0;
        int j = 0;
        if (path >= KernelPath.Avx2)
        {
            var (maxV, aV, halfV, lastV) = (Vector256.Create(max), Vector256.Create(a), Vector256.Create(half), Vector256.Create((long)last));
            var sums = Vector256<long>.Zero;
            for (; j + 8 <= count; j += 8)
            {
                var (d0, d1) = Vector256.Widen(maxV - Vector256.Load(dots + j));
                var index = Vector256.Narrow(Vector256.Min(Vector256.ShiftRightArithmetic(d0 * aV + halfV, z), lastV),
                    Vector256.Min(Vector256.ShiftRightArithmetic(d1 * aV + halfV, z), lastV));
                var e = Avx2.GatherVector256(exp, index, 4);
                e.Store(dots + j);
                var (e0, e1) = Vector256.Widen(e);
                sums += e0 + e1;
            }
            sum = Vector256.Sum(sums);
        }
        for (; j < count; j++)
        {
            long index = Math.Min(((max - (long)dots[j]) * a + half) >> z, last);
            sum += dots[j] = exp[index];
        }
        return sum;
    }

    /// <summary>dots[j] = (dots[j] · scale + 2^(shift−1)) >> shift for j &lt; <paramref name="count"/>, exact in int64.</summary>
    public static unsafe void ScaleScores(int* dots, int count, long scale, int shift, KernelPath path)
    {
        long round = 1L << (shift - 1);
        int j = 0;
        if (path >= KernelPath.Avx2)
        {
            var (scaleV, roundV) = (Vector256.Create(scale), Vector256.Create(round));
            for (; j + 8 <= count; j += 8)
            {
                var (p0, p1) = Vector256.Widen(Vector256.Load(dots + j));
                Vector256.Narrow(Vector256.ShiftRightArithmetic(p0 * scaleV + roundV, shift), Vector256.ShiftRightArithmetic(p1 * scaleV + roundV, shift)).Store(dots + j);
            }
        }
        for (; j < count; j++) dots[j] = (int)((dots[j] * scale + round) >> shift);
    }

    /// <summary>Where value (position j, dimension i) lies in a head's cache: pairs of positions interleaved per dimension.</summary>
    public static int ValueIndex(int j, int i, int dh) => ((j >> 1) * dh + i) * 2 + (j & 1);

    /// <summary>
    /// output[i] = Σ_j p[j] · v(j, i) for j &lt; <paramref name="count"/>, values in the
    /// <see cref="ValueIndex"/> layout (an odd count's missing partner gets p = 0). Exact: the
    /// caller keeps Σ p ≤ 2^14 + count and |v| ≤ 32767, so every sum fits in int32.
    /// </summary>
    public static unsafe void WeightedValues(int* p, int count, short* values, int dh, int* output, KernelPath path)
    {
        if (path >= KernelPath.Avx2 && dh == 64)
        {
            Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (int jj = 0; jj < count; jj += 2, values += 128)
            {
                int p0 = p[jj], p1 = jj + 1 < count ? p[jj + 1] : 0;
                if ((p0 | p1) == 0) continue; // most positions get no weight: adding 0 changes nothing
                var pair = Vector256.Create((p0 & 0xFFFF) | (p1 << 16)).AsInt16();
                c0 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values));
                c1 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 16));
                c2 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 32));
                c3 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 48));
                c4 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 64));
                c5 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 80));
                c6 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 96));
                c7 += Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 112));
            }
            c0.Store(output); c1.Store(output + 8); c2.Store(output + 16); c3.Store(output + 24);
            c4.Store(output + 32); c5.Store(output + 40); c6.Store(output + 48); c7.Store(output + 56);
            return;
        }
        new Span<int>(output, dh).Clear();
        for (int j = 0; j < count; j += 2, values += 2 * dh)
        {
            int p0 = p[j], p1 = j + 1 < count ? p[j + 1] : 0;
            if (p0 == 0 && p1 == 0) continue;
            int i = 0;
            if (path >= KernelPath.Avx2)
            {
                var pair = Vector256.Create((p0 & 0xFFFF) | (p1 << 16)).AsInt16();
                for (; i + 8 <= dh; i += 8)
                    (Vector256.Load(output + i) + Avx2.MultiplyAddAdjacent(pair, Vector256.Load(values + 2 * i))).Store(output + i);
            }
            for (; i < dh; i++) output[i] += p0 * values[2 * i] + p1 * values[2 * i + 1];
        }
    }
}
