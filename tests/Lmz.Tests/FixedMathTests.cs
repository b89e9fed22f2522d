using System.Text.RegularExpressions;
using CsCheck;
using Lmz.Core;

namespace Lmz.Tests;

/// <summary>FixedMath against the platform functions (used here only as a reference).</summary>
public class FixedMathTests
{
    private static IEnumerable<double> Grid(double from, double to, double step)
    {
        for (long i = 0; ; i++)
        {
            double x = from + i * step;
            if (x > to) yield break;
            yield return x;
        }
    }

    private static double RelativeError(double actual, double expected) => Math.Abs(actual - expected) / Math.Abs(expected);

    [Fact]
    public void Exp_is_within_1e7_relative_error_of_Math_Exp()
    {
        double worst = 0, worstAt = 0;
        var grid = Grid(-700, 700, 0.0137).Concat(Grid(-12, 12, 0.0001)).Concat(Grid(-1e-6, 1e-6, 1e-9));
        foreach (double x in grid)
        {
            double e = RelativeError(FixedMath.Exp(x), Math.Exp(x));
            if (e > worst) { worst = e; worstAt = x; }
        }
        Assert.True(worst < 1e-7, $"worst relative error {worst:E3} at x = {worstAt:R}");
    }

    [Fact]
    public void Log_is_within_1e7_relative_error_of_Math_Log_away_from_1()
    {
        // Relative error is only meaningful where |ln x| is not tiny; near x = 1 see the absolute test.
        double worst = 0, worstAt = 0;
        foreach (double e10 in Grid(-300, 300, 0.00731))
        {
            double x = Math.Pow(10, e10);
            if (Math.Abs(Math.Log(x)) < 0.5) continue;
            double e = RelativeError(FixedMath.Log(x), Math.Log(x));
            if (e > worst) { worst = e; worstAt = x; }
        }
        Assert.True(worst < 1e-7, $"worst relative error {worst:E3} at x = {worstAt:R}");
    }

    [Fact]
    public void Log_absolute_error_is_below_1e7_everywhere()
    {
        // What the models need: an error of δ in a log-probability is a relative error of δ in the probability.
        double worst = 0, worstAt = 0;
        foreach (double x in Grid(-300, 300, 0.00731).Select(e => Math.Pow(10, e)).Concat(Grid(0.5, 2, 1e-5)))
        {
            double e = Math.Abs(FixedMath.Log(x) - Math.Log(x));
            if (e > worst) { worst = e; worstAt = x; }
        }
        Assert.True(worst < 1e-7, $"worst absolute error {worst:E3} at x = {worstAt:R}");
    }

    [Fact]
    public void Exp_of_very_negative_arguments_is_zero_and_large_arguments_saturate()
    {
        Assert.Equal(0.0, FixedMath.Exp(-800));
        Assert.Equal(0.0, FixedMath.Exp(-700.5));
        Assert.Equal(0.0, FixedMath.Exp(double.NegativeInfinity));
        Assert.True(FixedMath.Exp(-700) > 0);
        double top = FixedMath.Exp(700);
        Assert.True(double.IsFinite(top));
        Assert.Equal(top, FixedMath.Exp(800));
        Assert.Equal(top, FixedMath.Exp(double.PositiveInfinity));
    }

    [Fact]
    public void Exp_of_zero_is_one_and_Log_of_one_is_zero_exactly()
    {
        Assert.Equal(1.0, FixedMath.Exp(0));
        Assert.Equal(0.0, FixedMath.Log(1));
        Assert.Equal(Math.Log(2), FixedMath.Log(2), 15);
    }

    [Fact]
    public void ExpShiftedInPlace_gives_the_bits_of_scalar_Exp_for_any_values_and_length()
    {
        // Lengths that leave 0-3 elements for the scalar tail; values straddling every clamp.
        var edges = new[] { -700.0, -700.0000001, -699.9999999, 700.0, 700.0000001, 0.0, -0.0, 1e-300,
            double.NegativeInfinity, double.PositiveInfinity, -1e308, 1e308, -745.2, 709.9 };
        var values = Gen.OneOf(Gen.Double[-800, 800], Gen.Double[-3, 3], Gen.Int[0, 13].Select(k => edges[k]));
        Gen.Select(values.Array[0, 67], Gen.OneOf(Gen.Double[-50, 50], Gen.Const(0.0)))
            .Sample((input, shift) =>
            {
                var actual = (double[])input.Clone();
                FixedMath.ExpShiftedInPlace(actual, shift);
                for (int i = 0; i < input.Length; i++)
                {
                    double expected = FixedMath.Exp(input[i] - shift);
                    if (BitConverter.DoubleToInt64Bits(actual[i]) != BitConverter.DoubleToInt64Bits(expected))
                        return false;
                }
                return true;
            }, iter: 20_000);
    }

    [Fact]
    public void Exp_is_monotonic()
    {
        double previous = 0;
        foreach (double x in Grid(-700, 700, 0.0071).Concat(Grid(700.0001, 701, 0.001)))
        {
            double y = FixedMath.Exp(x);
            Assert.True(y >= previous, $"Exp({x:R}) = {y:R} < Exp of the previous grid point {previous:R}");
            previous = y;
        }
        // Across table cells at fine resolution near 0 (cell width ln2/4096 ≈ 1.7e-4).
        previous = 0;
        foreach (double x in Grid(-0.01, 0.01, 1e-7))
        {
            double y = FixedMath.Exp(x);
            Assert.True(y >= previous, $"Exp({x:R}) not monotonic");
            previous = y;
        }
    }

    [Fact]
    public void Log_is_monotonic()
    {
        double previous = double.NegativeInfinity;
        foreach (double x in Grid(-300, 300, 0.0031).Select(e => Math.Pow(10, e)))
        {
            double y = FixedMath.Log(x);
            Assert.True(y >= previous, $"Log({x:R}) = {y:R} below the previous grid point");
            previous = y;
        }
        // Across the octave boundary at 1 and 2, one ulp at a time, and a fine grid across table cells.
        foreach (double center in new[] { 1.0, 2.0, 0.5, 1024.0 })
        {
            double lo = center;
            for (int k = 0; k < 1000; k++) lo = Math.BitDecrement(lo);
            previous = double.NegativeInfinity;
            double x = lo;
            for (int k = 0; k < 2000; k++, x = Math.BitIncrement(x))
            {
                double y = FixedMath.Log(x);
                Assert.True(y >= previous, $"Log not monotonic at {x:R}");
                previous = y;
            }
        }
        previous = double.NegativeInfinity;
        foreach (double x in Grid(0.99, 1.01, 1e-7))
        {
            double y = FixedMath.Log(x);
            Assert.True(y >= previous, $"Log({x:R}) not monotonic");
            previous = y;
        }
    }

    [Fact]
    public void The_library_does_not_call_platform_transcendental_functions()
    {
        // Math.Exp/Log differ between C runtimes; coding must use FixedMath so every machine agrees.
        var pattern = new Regex(@"\bMathF?\s*\.\s*(Exp|Log|Log2|Log10|Pow|Tanh|Sinh|Cosh|Atan|Sin|Cos)\s*\(");
        var library = Path.Combine(Repo.Root, "src", "Lmz");
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(library, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var code = lines[i].Split("//")[0];
                if (pattern.IsMatch(code)) offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
            }
        }
        Assert.True(offenders.Count == 0, "platform math in the library:\n" + string.Join("\n", offenders));
    }
}
