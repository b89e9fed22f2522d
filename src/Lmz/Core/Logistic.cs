namespace Lmz.Core;

/// <summary>
/// The logistic domain of the bit models: probabilities are 12-bit integers (p(1)·4096) and
/// stretch(p) = ln(p / (1 − p)) in units of 1/256, clamped to ±2047. Both tables are built once
/// from <see cref="FixedMath.Exp"/> and integer rounding, so every machine holds the same integers.
/// </summary>
internal static class Logistic
{
    public const int Limit = 2047;
    private static readonly short[] SquashTable = BuildSquash();
    private static readonly short[] StretchTable = BuildStretch();

    /// <summary>4096 / (1 + e^(−x/256)), rounded, for x clamped to ±2047; in 1..4095.</summary>
    public static int Squash(int x)
    {
        if (x > Limit) x = Limit;
        if (x < -Limit) x = -Limit;
        return SquashTable[x + Limit];
    }

    /// <summary>The inverse of <see cref="Squash"/>: the smallest x whose squash reaches p (p in 0..4095).</summary>
    public static int Stretch(int p) => StretchTable[p];

    private static short[] BuildSquash()
    {
        var table = new short[2 * Limit + 1];
        for (int x = -Limit; x <= Limit; x++)
        {
            double v = 4096 / (1 + FixedMath.Exp(-x / 256.0));
            table[x + Limit] = (short)Math.Clamp((int)Math.Floor(v + 0.5), 1, 4095);
        }
        return table;
    }

    private static short[] BuildStretch()
    {
        var table = new short[4096];
        int p = 0;
        for (int x = -Limit; x <= Limit; x++)
        {
            int v = Squash(x);
            for (; p <= v; p++) table[p] = (short)x;
        }
        for (; p < 4096; p++) table[p] = Limit;
        return table;
    }
}
