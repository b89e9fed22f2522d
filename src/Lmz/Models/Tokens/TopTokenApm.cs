using Lmz.Core;
namespace Lmz.Models.Tokens;

/// <summary>
/// Secondary estimation (an adaptive probability map, as in PAQ) of the probability the mixed
/// distribution gives its most likely token. The mixer's probability p of that token is
/// stretched, ln(p / (1 − p)), and placed between two of <see cref="Points"/> interpolation
/// points of a table chosen by a small context (n-gram order matched, match-length bucket, and
/// whether the match model predicts that same token); the table's value there, learned online
/// from whether the top token was the one coded, is averaged with p. Only the top token's weight
/// changes: the others keep their proportions, so the distribution stays exactly normalised.
/// All arithmetic is in doubles in a fixed order with <see cref="FixedMath"/>.
/// </summary>
internal sealed class TopTokenApm
{
    public const int Points = 33;
    private const double StretchLimit = 12;
    private const double PointSpacing = 2 * StretchLimit / (Points - 1);
    private const int RateLimit = 127; // counts per point: the rate decays to 1/(limit + 1.5)
    private readonly double[] _table;
    private readonly int[] _counts;
    private int _index; // table offset of the lower interpolation point used last
    private double _fraction;

    public TopTokenApm(int contexts)
    {
        Contexts = contexts;
        _table = new double[contexts * Points];
        _counts = new int[contexts * Points];
        for (int c = 0; c < contexts; c++)
            for (int i = 0; i < Points; i++) _table[c * Points + i] = Squash(i * PointSpacing - StretchLimit);
    }

    public int Contexts { get; }

    /// <summary>Weight of the input in the output average, out of 4 (the table gets the rest).</summary>
    public int InputShare { get; init; } = 2;

    /// <summary>
    /// The refined weight of the top token, given its unnormalised weight <paramref name="top"/>
    /// among weights summing to <paramref name="sum"/>: the others keep theirs, so the new sum is
    /// sum − top + result.
    /// </summary>
    public double Refine(double top, double sum, int context)
    {
        if ((uint)context >= (uint)Contexts) throw new ArgumentOutOfRangeException(nameof(context));
        // When the top token holds all but a rounding error of the mass, sum − top is no longer
        // the others' weight (cancellation): leave such a distribution alone.
        double rest = sum - top;
        if (!(rest > sum * MinimumRest)) { _index = -1; return top; }
        double p = Math.Clamp(top / sum, 1e-9, 1 - 1e-9);
        double x = Math.Clamp(FixedMath.Log(p / (1 - p)), -StretchLimit, StretchLimit - 1e-9);
        double position = (x + StretchLimit) / PointSpacing;
        int lower = (int)Math.Floor(position);
        _fraction = position - lower;
        _index = context * Points + lower;
        double mapped = _table[_index] * (1 - _fraction) + _table[_index + 1] * _fraction;
        double refined = Math.Clamp((InputShare * p + (4 - InputShare) * mapped) / 4, 1e-7, 1 - 1e-7);
        // w / (rest + w) = refined  ⇒  w = refined · rest / (1 − refined)
        return refined * rest / (1 - refined);
    }

    /// <summary>Smallest share of the mass outside the top token for which the map is applied.</summary>
    public const double MinimumRest = 1e-9;

    /// <summary>Learns whether the top token of the last <see cref="Refine"/> was the one coded.</summary>
    public void Update(bool topWasCoded)
    {
        if (_index < 0) return; // the last Refine left the distribution alone
        double target = topWasCoded ? 1 : 0;
        Learn(_index, target, 1 - _fraction);
        Learn(_index + 1, target, _fraction);
    }

    private void Learn(int index, double target, double share)
    {
        int n = _counts[index];
        _table[index] += share * (target - _table[index]) / (n + 1.5);
        if (n < RateLimit) _counts[index] = n + 1;
    }

    private static double Squash(double x) => 1 / (1 + FixedMath.Exp(-x));
}
