using CsCheck;
using Lmz.Coding;

namespace Lmz.Tests;

public class FrequencyTableTests
{
    private static FrequencyTable Build(double[] weights)
    {
        var table = new FrequencyTable(weights.Length);
        double sum = 0;
        foreach (var w in weights) sum += w; // index order, as the contract asks
        table.Build(weights, sum);
        return table;
    }

    /// <summary>Total 2^24, every count ≥ 1, cumulative counts increasing, Find inverting Low/High.</summary>
    private static void AssertValid(FrequencyTable table)
    {
        int n = table.SymbolCount;
        Assert.Equal(0u, table.Low(0));
        Assert.Equal(FrequencyTable.Total, table.High(n - 1));
        for (int s = 0; s < n; s++)
        {
            Assert.True(table.High(s) > table.Low(s), $"symbol {s} has frequency {(long)table.High(s) - table.Low(s)}");
            Assert.Equal(table.Frequency(s), table.High(s) - table.Low(s));
            if (s > 0) Assert.Equal(table.High(s - 1), table.Low(s));
            Assert.Equal(s, table.Find(table.Low(s)));
            Assert.Equal(s, table.Find(table.High(s) - 1));
        }
    }

    /// <summary>Every symbol but the largest gets 1 + floor(w·(2^24 − V)/Σw): the documented rule.</summary>
    private static void AssertProportional(FrequencyTable table, double[] weights)
    {
        double sum = 0;
        foreach (var w in weights) sum += w;
        int best = 0;
        for (int i = 1; i < weights.Length; i++) if (weights[i] > weights[best]) best = i;
        double scale = (FrequencyTable.Total - (uint)weights.Length) / sum;
        for (int i = 0; i < weights.Length; i++)
        {
            if (i == best) continue;
            double expected = 1 + Math.Floor(weights[i] * scale);
            Assert.True(Math.Abs(table.Frequency(i) - expected) <= 1,
                $"symbol {i}: frequency {table.Frequency(i)}, weight share asks {expected}");
        }
        // The best symbol absorbs the rounding: within V counts of its exact share.
        double bestShare = 1 + weights[best] * scale;
        Assert.True(Math.Abs(table.Frequency(best) - bestShare) <= weights.Length + 1,
            $"largest symbol {best}: frequency {table.Frequency(best)}, share {bestShare:F1}");
    }

    [Fact]
    public void Total_is_exactly_two_to_the_24_and_every_symbol_has_at_least_one_count()
    {
        var rng = new Random(1);
        var weights = Enumerable.Range(0, 8192).Select(_ => rng.NextDouble()).ToArray();
        var table = Build(weights);
        AssertValid(table);
        AssertProportional(table, weights);
    }

    [Fact]
    public void Find_maps_every_target_to_the_symbol_whose_interval_holds_it()
    {
        var weights = Enumerable.Range(0, 50).Select(i => (double)(i * i % 17)).ToArray();
        var table = Build(weights);
        var rng = new Random(2);
        for (int k = 0; k < 100_000; k++)
        {
            uint target = (uint)rng.Next((int)FrequencyTable.Total);
            int s = table.Find(target);
            Assert.InRange(target, table.Low(s), table.High(s) - 1);
        }
        Assert.Equal(0, table.Find(0));
        Assert.Equal(49, table.Find(FrequencyTable.Total - 1));
    }

    [Theory]
    [InlineData(8192, 0)]
    [InlineData(8192, 4000)]
    [InlineData(8192, 8191)]
    [InlineData(3, 1)]
    public void All_weight_on_one_symbol_gives_it_everything_but_one_count_per_other_symbol(int v, int hot)
    {
        var weights = new double[v];
        weights[hot] = 3.5;
        var table = Build(weights);
        AssertValid(table);
        for (int s = 0; s < v; s++) Assert.Equal(s == hot ? FrequencyTable.Total - (uint)(v - 1) : 1u, table.Frequency(s));
    }

    [Fact]
    public void All_zero_weights_still_give_a_valid_table()
    {
        var table = Build(new double[100]);
        AssertValid(table);
    }

    [Fact]
    public void Huge_dynamic_range_keeps_small_weights_codable_and_large_ones_proportional()
    {
        var weights = new double[1000];
        for (int i = 0; i < weights.Length; i++) weights[i] = Math.Pow(10, -300 + (i % 61) * 10); // 1e-300 .. 1e300
        weights[17] = 0;
        weights[18] = double.Epsilon;
        weights[19] = 1e-320; // subnormal
        var table = Build(weights);
        AssertValid(table);
        AssertProportional(table, weights);
    }

    [Fact]
    public void One_symbol_alphabet_owns_the_whole_range()
    {
        foreach (var w in new[] { 0.0, 1e-300, 1.0, 5.0, 1e300 })
        {
            var table = Build([w]);
            Assert.Equal(FrequencyTable.Total, table.Frequency(0));
            Assert.Equal(0, table.Find(0));
            Assert.Equal(0, table.Find(FrequencyTable.Total - 1));
        }
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.0)]
    [InlineData(1e-300, 1e300)]
    [InlineData(3.0, 1.0)]
    public void Two_symbol_alphabet_splits_the_range_by_weight(double a, double b)
    {
        var table = Build([a, b]);
        AssertValid(table);
        AssertProportional(table, [a, b]);
    }

    [Fact]
    public void Constructor_and_Build_reject_bad_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencyTable(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrequencyTable((1 << 20) + 1));
        Assert.Throws<ArgumentException>(() => new FrequencyTable(4).Build([1.0, 2.0, 3.0, 4.0, 5.0], 15.0));
        Assert.Throws<ArgumentException>(() => new FrequencyTable(4).Build([], 0.0));
    }

    [Fact]
    public void Rebuilding_with_the_same_weights_gives_the_same_table()
    {
        var rng = new Random(4);
        var weights = Enumerable.Range(0, 777).Select(_ => Math.Exp(rng.NextDouble() * 40 - 20)).ToArray();
        var a = Build(weights);
        var b = Build(weights);
        for (int s = 0; s <= 776; s++) Assert.Equal(a.Low(s), b.Low(s));
    }

    /// <summary>Weights spanning many orders of magnitude, zeros included.</summary>
    private static readonly Gen<double[]> WeightVectors =
        Gen.Frequency(
            (3, Gen.Double[0, 1000]),
            (2, Gen.Double[-30, 30].Select(e => Math.Pow(10, e))),
            (1, Gen.Const(0.0)))
        .Array[1, 600]
        .Where(w => w.Sum() is > 0 and < double.PositiveInfinity);

    [Fact]
    public void Random_weight_vectors_give_valid_proportional_tables() =>
        WeightVectors.Sample(weights =>
        {
            var table = Build(weights);
            AssertValid(table);
            AssertProportional(table, weights);
        }, iter: 400);
}
