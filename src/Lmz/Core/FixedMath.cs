using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lmz.Network;

namespace Lmz.Core;

/// <summary>
/// Exp and Log built only from table lookups, integer bit operations and IEEE multiply/add, so
/// every machine computes the same bits (the platform's Math.Exp/Math.Log differ between C
/// runtimes). Both interpolate a 4096-entry table linearly: Exp's relative error and Log's
/// absolute error stay below 1e-7 (Log's relative error grows near x = 1, where ln x → 0; the
/// models only need absolute accuracy in log space), far below what the 24-bit CDFs resolve. The tables are filled from exact-enough series evaluated
/// with basic arithmetic only.
/// </summary>
internal static class FixedMath
{
    private const int TableBits = 12;
    private const int TableSize = 1 << TableBits;
    private const double Ln2 = 0.693147180559945309417232121458;
    private const double Log2E = 1.44269504088896340735992468100;

    // Pow2Table[i] = 2^(i/4096), LogTable[i] = log2(1 + i/4096), both for i in 0..4096.
    private static readonly double[] Pow2Table = BuildPow2Table();
    private static readonly double[] Log2Table = BuildLog2Table();

    // Pow2Pairs[2i] = Pow2Table[i], Pow2Pairs[2i + 1] = Pow2Table[i + 1] − Pow2Table[i] (the same
    // IEEE difference Exp takes): one 16-byte load per lane instead of two gathers.
    private static readonly double[] Pow2Pairs = BuildPow2Pairs();

    /// <summary>e^x; returns 0 below -700 and saturates above 700.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once per vocabulary entry per token
    public static double Exp(double x)
    {
        if (x < -700) return 0;
        if (x > 700) x = 700;
        double t = x * Log2E * TableSize; // in units of 2^-12 octaves
        double floor = Math.Floor(t); // exact IEEE operation, same on every machine
        long n = (long)floor;
        double frac = t - floor;
        int index = (int)(n & (TableSize - 1));
        long octave = n >> TableBits;
        double mantissa = Pow2Table[index] + (Pow2Table[index + 1] - Pow2Table[index]) * frac;
        return mantissa * BitConverter.Int64BitsToDouble((octave + 1023) << 52);
    }

    /// <summary>
    /// values[i] = Exp(values[i] − shift) for every i, the same bits as the scalar <see cref="Exp"/>:
    /// with AVX2 four lanes at a time through exactly the scalar's operations (each IEEE multiply,
    /// add and floor is exact per lane; no fused multiply-add, no reduction), else one by one.
    /// </summary>
    public static unsafe void ExpShiftedInPlace(Span<double> values, double shift)
    {
        int n = values.Length, i = 0;
        fixed (double* v = values)
        fixed (double* pairs = Pow2Pairs)
        {
            if (Avx2.IsSupported)
            {
                var shiftV = Vector256.Create(shift);
                for (; i + 4 <= n; i += 4) Avx.Store(v + i, Exp4(Avx.Subtract(Avx.LoadVector256(v + i), shiftV), pairs));
            }
            for (; i < n; i++) v[i] = Exp(v[i] - shift);
        }
    }

    /// <summary><see cref="Exp"/> of four lanes through exactly its operations (AVX2; <paramref name="pairs"/> is the pinned <see cref="Pow2"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe Vector256<double> Exp4(Vector256<double> x, double* pairs)
    {
        var underflow = Avx.Compare(x, Vector256.Create(-700.0), FloatComparisonMode.OrderedLessThanNonSignaling);
        var high = Vector256.Create(700.0);
        x = Avx.BlendVariable(x, high, Avx.Compare(x, high, FloatComparisonMode.OrderedGreaterThanNonSignaling));
        var t = Avx.Multiply(Avx.Multiply(x, Vector256.Create(Log2E)), Vector256.Create((double)TableSize));
        var floor = Avx.RoundToNegativeInfinity(t);
        var whole = Avx.ConvertToVector128Int32WithTruncation(floor); // |t| < 2^23 once clamped
        var frac = Avx.Subtract(t, floor);
        var index = Sse2.And(whole, Vector128.Create(TableSize - 1));
        var octave = Avx2.ConvertToVector256Int64(Sse2.ShiftRightArithmetic(whole, TableBits));
        var p0 = Vector128.Load(pairs + 2 * index.GetElement(0));
        var p1 = Vector128.Load(pairs + 2 * index.GetElement(1));
        var p2 = Vector128.Load(pairs + 2 * index.GetElement(2));
        var p3 = Vector128.Load(pairs + 2 * index.GetElement(3));
        var a = Vector256.Create(Sse2.UnpackLow(p0, p1), Sse2.UnpackLow(p2, p3));
        var step = Vector256.Create(Sse2.UnpackHigh(p0, p1), Sse2.UnpackHigh(p2, p3));
        var mantissa = Avx.Add(a, Avx.Multiply(step, frac));
        var power = Avx2.ShiftLeftLogical(Avx2.Add(octave, Vector256.Create(1023L)), 52).AsDouble();
        return Avx.AndNot(underflow, Avx.Multiply(mantissa, power)); // below −700: +0, as Exp returns
    }

    /// <summary>The table <see cref="Exp4"/> reads (pin it with fixed).</summary>
    internal static ReadOnlySpan<double> Pow2 => Pow2Pairs;

    /// <summary>Natural logarithm of a positive, normal x (no checks: callers keep x ≥ 1e-300).</summary>
    public static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        long exponent = ((bits >> 52) & 0x7FF) - 1023;
        long mantissa = bits & 0xFFFFFFFFFFFFFL; // 52 bits
        int index = (int)(mantissa >> (52 - TableBits));
        double frac = (mantissa & ((1L << (52 - TableBits)) - 1)) * (1.0 / (1L << (52 - TableBits)));
        double log2 = exponent + Log2Table[index] + (Log2Table[index + 1] - Log2Table[index]) * frac;
        return log2 * Ln2;
    }

    private static double[] BuildPow2Table()
    {
        var table = new double[TableSize + 1];
        for (int i = 0; i <= TableSize; i++) table[i] = SeriesExp(i * Ln2 / TableSize);
        return table;
    }

    private static double[] BuildPow2Pairs()
    {
        var pairs = new double[2 * TableSize];
        for (int i = 0; i < TableSize; i++) (pairs[2 * i], pairs[2 * i + 1]) = (Pow2Table[i], Pow2Table[i + 1] - Pow2Table[i]);
        return pairs;
    }

    private static double[] BuildLog2Table()
    {
        var table = new double[TableSize + 1];
        for (int i = 0; i <= TableSize; i++) table[i] = SeriesLn(1 + (double)i / TableSize) * Log2E;
        return table;
    }

    // Taylor series of e^y for 0 <= y <= ln 2: converges to double precision in 25 terms.
    private static double SeriesExp(double y)
    {
        double sum = 1, term = 1;
        for (int k = 1; k < 30; k++) { term *= y / k; sum += term; }
        return sum;
    }

    // ln(x) for 1 <= x <= 2 via atanh series: ln x = 2 * sum z^(2k+1)/(2k+1), z = (x-1)/(x+1) <= 1/3.
    private static double SeriesLn(double x)
    {
        double z = (x - 1) / (x + 1), z2 = z * z, power = z, sum = 0;
        for (int k = 0; k < 40; k++) { sum += power / (2 * k + 1); power *= z2; }
        return 2 * sum;
    }
}
