using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lmz.Network;

/// <summary>Which instructions compute the integer products; every path gives the same integers.</summary>
public enum KernelPath
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
internal static class Int8Kernels
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
    public static void MatVec(ReadOnlySpan<sbyte> q, Int8Matrix m, Span<int> acc, KernelPath path)
    {
        if (q.Length < m.Inputs || acc.Length < m.Outputs) throw new ArgumentException("buffers shorter than the matrix");
        switch (path)
        {
            case KernelPath.AvxVnni when AvxVnni.IsSupported: MatVecVnni(q, m, acc); break;
            case KernelPath.Avx2 when Avx2.IsSupported: MatVecAvx2(q, m, acc); break;
            case KernelPath.Vector128: MatVecVector128(q, m, acc); break;
            case KernelPath.Scalar: MatVecScalar(q, m, acc); break;
            default: throw new PlatformNotSupportedException($"kernel path {path} is not supported on this CPU");
        }
    }

    private static void MatVecScalar(ReadOnlySpan<sbyte> q, Int8Matrix m, Span<int> acc)
    {
        var w = m.Grouped;
        int n = m.Outputs;
        acc[..n].Clear();
        for (int g = 0; g < m.Inputs / 4; g++)
        {
            int q0 = q[4 * g], q1 = q[4 * g + 1], q2 = q[4 * g + 2], q3 = q[4 * g + 3];
            int row = g * n * 4;
            for (int o = 0; o < n; o++)
            {
                int at = row + 4 * o;
                acc[o] += q0 * w[at] + q1 * w[at + 1] + q2 * w[at + 2] + q3 * w[at + 3];
            }
        }
    }

    private static unsafe void MatVecVnni(ReadOnlySpan<sbyte> q, Int8Matrix m, Span<int> acc)
    {
        int n = m.Outputs, groups = m.Inputs / 4;
        Span<byte> shifted = stackalloc byte[m.Inputs];
        for (int k = 0; k < m.Inputs; k++) shifted[k] = (byte)(q[k] + 128);
        fixed (sbyte* w0 = m.Grouped)
        fixed (byte* a = shifted)
        fixed (int* sums = m.ColumnSums)
        fixed (int* outp = acc)
        {
            var bias = Vector256.Create(128);
            for (int o = 0; o < n; o += 64)
            {
                Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
                sbyte* w = w0 + o * 4;
                for (int g = 0; g < groups; g++, w += n * 4)
                {
                    var x = Vector256.Create(*(int*)(a + 4 * g)).AsByte();
                    c0 = AvxVnni.MultiplyWideningAndAdd(c0, x, Vector256.Load(w));
                    c1 = AvxVnni.MultiplyWideningAndAdd(c1, x, Vector256.Load(w + 32));
                    c2 = AvxVnni.MultiplyWideningAndAdd(c2, x, Vector256.Load(w + 64));
                    c3 = AvxVnni.MultiplyWideningAndAdd(c3, x, Vector256.Load(w + 96));
                    c4 = AvxVnni.MultiplyWideningAndAdd(c4, x, Vector256.Load(w + 128));
                    c5 = AvxVnni.MultiplyWideningAndAdd(c5, x, Vector256.Load(w + 160));
                    c6 = AvxVnni.MultiplyWideningAndAdd(c6, x, Vector256.Load(w + 192));
                    c7 = AvxVnni.MultiplyWideningAndAdd(c7, x, Vector256.Load(w + 224));
                }
                int* s = sums + o;
                int* d = outp + o;
                (c0 - bias * Vector256.Load(s)).Store(d);
                (c1 - bias * Vector256.Load(s + 8)).Store(d + 8);
                (c2 - bias * Vector256.Load(s + 16)).Store(d + 16);
                (c3 - bias * Vector256.Load(s + 24)).Store(d + 24);
                (c4 - bias * Vector256.Load(s + 32)).Store(d + 32);
                (c5 - bias * Vector256.Load(s + 40)).Store(d + 40);
                (c6 - bias * Vector256.Load(s + 48)).Store(d + 48);
                (c7 - bias * Vector256.Load(s + 56)).Store(d + 56);
            }
        }
    }

    private static unsafe void MatVecAvx2(ReadOnlySpan<sbyte> q, Int8Matrix m, Span<int> acc)
    {
        int n = m.Outputs, groups = m.Inputs / 4;
        fixed (sbyte* w0 = m.Grouped)
        fixed (sbyte* a = q)
        fixed (int* outp = acc)
        {
            var ones = Vector256.Create((short)1);
            for (int o = 0; o < n; o += 32)
            {
                Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default;
                sbyte* w = w0 + o * 4;
                for (int g = 0; g < groups; g++, w += n * 4)
                {
                    var x = Vector256.Create(*(int*)(a + 4 * g)).AsSByte();
                    var ax = Avx2.Abs(x);
                    c0 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w), x)), ones);
                    c1 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 32), x)), ones);
                    c2 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 64), x)), ones);
                    c3 += Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(ax, Avx2.Sign(Vector256.Load(w + 96), x)), ones);
                }
                c0.Store(outp + o);
                c1.Store(outp + o + 8);
                c2.Store(outp + o + 16);
                c3.Store(outp + o + 24);
            }
        }
    }

    private static unsafe void MatVecVector128(ReadOnlySpan<sbyte> q, Int8Matrix m, Span<int> acc)
    {
        int n = m.Outputs, groups = m.Inputs / 4;
        fixed (sbyte* w0 = m.Grouped)
        fixed (sbyte* a = q)
        fixed (int* outp = acc)
        {
            for (int o = 0; o < n; o += 4)
            {
                // One accumulator per output, each lane one of the group's four inputs.
                Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default;
                sbyte* w = w0 + o * 4;
                for (int g = 0; g < groups; g++, w += n * 4)
                {
                    var x = Vector128.Create(a[4 * g], a[4 * g + 1], a[4 * g + 2], a[4 * g + 3], a[4 * g], a[4 * g + 1], a[4 * g + 2], a[4 * g + 3]).AsInt16();
                    var (lo, hi) = Vector128.Widen(Vector128.Load(w));
                    var plo = lo * x; // |q w| <= 127^2: exact in int16
                    var phi = hi * x;
                    var (p0, p1) = Vector128.Widen(plo);
                    var (p2, p3) = Vector128.Widen(phi);
                    c0 += p0; c1 += p1; c2 += p2; c3 += p3;
                }
                outp[o] = Vector128.Sum(c0);
                outp[o + 1] = Vector128.Sum(c1);
                outp[o + 2] = Vector128.Sum(c2);
                outp[o + 3] = Vector128.Sum(c3);
            }
        }
    }

    /// <summary>Σ a[i] · b[i] over int16 values whose products and sum fit in int32 (|a| ≤ 127, |b| ≤ 32767, length ≤ 256).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<short> a, ReadOnlySpan<short> b, KernelPath path)
    {
        int i = 0, sum = 0;
        if (path >= KernelPath.Avx2 && Avx2.IsSupported)
        {
            var s = Vector256<int>.Zero;
            for (; i + 16 <= a.Length; i += 16)
                s += Avx2.MultiplyAddAdjacent(Vector256.Create(a[i..]), Vector256.Create(b[i..]));
            sum = Vector256.Sum(s);
        }
        else if (path != KernelPath.Scalar)
        {
            var s = Vector128<int>.Zero;
            for (; i + 8 <= a.Length; i += 8)
            {
                var (alo, ahi) = Vector128.Widen(Vector128.Create(a[i..]));
                var (blo, bhi) = Vector128.Widen(Vector128.Create(b[i..]));
                s += alo * blo + ahi * bhi;
            }
            sum = Vector128.Sum(s);
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>acc[i] += p · v[i] (exact: the caller bounds Σ p · |v| below 2^31).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(Span<int> acc, int p, ReadOnlySpan<short> v, KernelPath path)
    {
        int i = 0;
        if (path >= KernelPath.Avx2 && Avx2.IsSupported)
        {
            var pv = Vector256.Create(p);
            for (; i + 8 <= v.Length; i += 8)
            {
                var wide = Avx2.ConvertToVector256Int32(Vector128.Create(v[i..]));
                (Vector256.Create<int>(acc[i..]) + wide * pv).CopyTo(acc[i..]);
            }
        }
        else if (path != KernelPath.Scalar)
        {
            var pv = Vector128.Create(p);
            for (; i + 8 <= v.Length; i += 8)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Create(v[i..]));
                (Vector128.Create<int>(acc[i..]) + lo * pv).CopyTo(acc[i..]);
                (Vector128.Create<int>(acc[(i + 4)..]) + hi * pv).CopyTo(acc[(i + 4)..]);
            }
        }
        for (; i < v.Length; i++) acc[i] += p * v[i];
    }
}
