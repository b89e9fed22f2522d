using Lmz.Coding;

namespace Lmz.Tests;

/// <summary>
/// The range coder against the information content of what it codes: for symbols drawn from
/// the quantized table itself, the ideal cost is Σ −log2(freq/2^24); the coder may exceed it by
/// 0.01 % plus 64 bits (its flush and leading byte), and must decode every symbol back.
/// </summary>
public class CoderTests(ITestOutputHelper output)
{
    private const int Alphabet = 8192;
    private const int SymbolCount = 1_000_000;

    public static TheoryData<string> Distributions => new() { "zipf", "near-uniform", "peaked-first", "peaked-last" };

    private static double[] Weights(string name)
    {
        var rng = new Random(12345);
        var w = new double[Alphabet];
        for (int i = 0; i < Alphabet; i++)
        {
            w[i] = name switch
            {
                "zipf" => 1.0 / Math.Pow(i + 1, 1.1),
                "near-uniform" => 1.0 + 0.1 * rng.NextDouble(),
                // One symbol holds ~99.95 % of the mass; every other one gets the minimum count of 1.
                "peaked-first" => i == 0 ? 1.0 : 1e-12,
                "peaked-last" => i == Alphabet - 1 ? 1.0 : 1e-12,
                _ => throw new ArgumentOutOfRangeException(nameof(name)),
            };
        }
        return w;
    }

    private static FrequencyTable Table(double[] weights)
    {
        var table = new FrequencyTable(weights.Length);
        double sum = 0;
        foreach (var w in weights) sum += w;
        table.Build(weights, sum);
        return table;
    }

    /// <summary>Draws symbols from the quantized distribution: a uniform 24-bit target, then Find.</summary>
    private static int[] Draw(FrequencyTable table, int count, int seed)
    {
        var rng = new Random(seed);
        var symbols = new int[count];
        for (int i = 0; i < count; i++) symbols[i] = table.Find((uint)rng.Next((int)FrequencyTable.Total));
        return symbols;
    }

    private static double IdealBits(FrequencyTable table, IEnumerable<int> symbols)
    {
        double bits = 0;
        foreach (int s in symbols) bits -= Math.Log2(table.Frequency(s) / (double)FrequencyTable.Total);
        return bits;
    }

    private static byte[] Encode(FrequencyTable table, IReadOnlyList<int> symbols)
    {
        var sink = new MemoryStream();
        var encoder = new ArithmeticEncoder(sink);
        foreach (int s in symbols) encoder.Encode(table.Low(s), table.High(s));
        encoder.Finish();
        return sink.ToArray();
    }

    private static int[] Decode(FrequencyTable table, byte[] payload, int count, out int overrun)
    {
        var decoder = new ArithmeticDecoder(payload);
        var symbols = new int[count];
        for (int i = 0; i < count; i++)
        {
            int s = table.Find(decoder.GetTarget());
            decoder.Consume(table.Low(s), table.High(s));
            symbols[i] = s;
        }
        overrun = decoder.Overrun;
        return symbols;
    }

    private static void AssertWithinBound(double idealBits, byte[] payload, string what)
    {
        double actual = payload.Length * 8.0;
        double bound = idealBits * 1.0001 + 64;
        Assert.True(actual <= bound, $"{what}: {actual} coded bits exceed the bound {bound:F1} (ideal {idealBits:F1}, overhead {actual - idealBits:F1} bits)");
    }

    private static void AssertSameSymbols(int[] expected, int[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) Assert.Fail($"symbol {i}: decoded {actual[i]}, coded {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Million_symbols_cost_at_most_the_ideal_plus_a_hundredth_percent_and_decode_exactly(string distribution)
    {
        var table = Table(Weights(distribution));
        var symbols = Draw(table, SymbolCount, seed: 1000 + Array.IndexOf(["zipf", "near-uniform", "peaked-first", "peaked-last"], distribution));
        var payload = Encode(table, symbols);

        double ideal = IdealBits(table, symbols);
        output.WriteLine($"{distribution}: ideal {ideal:F1} bits, coded {payload.Length * 8} bits, overhead {payload.Length * 8 - ideal:F1} bits");
        AssertWithinBound(ideal, payload, distribution);
        var decoded = Decode(table, payload, symbols.Length, out int overrun);
        AssertSameSymbols(symbols, decoded);
        Assert.Equal(0, overrun);
    }

    [Fact]
    public void Zero_symbols_code_to_at_most_eight_bytes()
    {
        var table = Table(Weights("zipf"));
        var payload = Encode(table, []);
        AssertWithinBound(0, payload, "empty");
        Assert.Empty(Decode(table, payload, 0, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(Alphabet - 1)]
    public void A_single_symbol_round_trips_within_the_bound(int symbol)
    {
        var table = Table(Weights("zipf"));
        var payload = Encode(table, [symbol]);
        AssertWithinBound(IdealBits(table, [symbol]), payload, $"symbol {symbol}");
        AssertSameSymbols([symbol], Decode(table, payload, 1, out int overrun));
        Assert.Equal(0, overrun);
    }

    [Fact]
    public void Symbols_of_frequency_one_at_both_ends_of_the_table_round_trip()
    {
        // Weight 0 at the first and last index gives them the minimum count of 1.
        var weights = new double[Alphabet];
        for (int i = 1; i < Alphabet - 1; i++) weights[i] = 1 + (i % 7);
        var table = Table(weights);
        Assert.Equal(1u, table.Frequency(0));
        Assert.Equal(1u, table.Frequency(Alphabet - 1));

        var rng = new Random(7);
        var symbols = new List<int>();
        for (int i = 0; i < 20_000; i++)
        {
            symbols.Add(rng.Next(4) switch { 0 => 0, 1 => Alphabet - 1, _ => rng.Next(Alphabet) });
        }
        symbols.AddRange(Enumerable.Repeat(0, 50));
        symbols.AddRange(Enumerable.Repeat(Alphabet - 1, 50));
        var payload = Encode(table, symbols);
        AssertWithinBound(IdealBits(table, symbols), payload, "frequency-1 ends");
        AssertSameSymbols([.. symbols], Decode(table, payload, symbols.Count, out int overrun));
        Assert.Equal(0, overrun);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Long_runs_of_an_almost_certain_symbol_cost_almost_nothing_and_carry_correctly(int likely)
    {
        // Two symbols: counts 1 and 2^24 - 1. A long run of the likely symbol keeps low near the top
        // of the range (likely = 1) or the bottom (likely = 0): the first exercises long carry chains.
        var table = new FrequencyTable(2);
        table.Build(likely == 1 ? [0.0, 1.0] : [1.0, 0.0], 1.0);
        Assert.Equal(FrequencyTable.Total - 1, table.Frequency(likely));
        var symbols = new List<int>();
        var rng = new Random(3);
        for (int run = 0; run < 40; run++)
        {
            symbols.AddRange(Enumerable.Repeat(likely, rng.Next(1, 200_000)));
            symbols.Add(1 - likely);
        }
        var payload = Encode(table, symbols);
        AssertWithinBound(IdealBits(table, symbols), payload, $"runs of {likely}");
        AssertSameSymbols([.. symbols], Decode(table, payload, symbols.Count, out int overrun));
        Assert.Equal(0, overrun);
    }

    [Fact]
    public void Tables_that_change_every_symbol_decode_exactly()
    {
        // Adaptive use: the table is rebuilt before each symbol, as the ensemble does.
        var rng = new Random(99);
        const int v = 300;
        var table = new FrequencyTable(v);
        var counts = new double[v];
        Array.Fill(counts, 0.5);
        var symbols = new int[20_000];
        var sink = new MemoryStream();
        var encoder = new ArithmeticEncoder(sink);
        double ideal = 0;
        for (int i = 0; i < symbols.Length; i++)
        {
            table.Build(counts, counts.Sum());
            int s = (int)Math.Min(v - 1, Math.Abs(rng.NextDouble() * rng.NextDouble() * v));
            symbols[i] = s;
            ideal -= Math.Log2(table.Frequency(s) / (double)FrequencyTable.Total);
            encoder.Encode(table.Low(s), table.High(s));
            counts[s] += 1;
        }
        encoder.Finish();
        var payload = sink.ToArray();
        AssertWithinBound(ideal, payload, "adaptive");

        Array.Fill(counts, 0.5);
        var decoder = new ArithmeticDecoder(payload);
        for (int i = 0; i < symbols.Length; i++)
        {
            table.Build(counts, counts.Sum());
            int s = table.Find(decoder.GetTarget());
            Assert.Equal(symbols[i], s);
            decoder.Consume(table.Low(s), table.High(s));
            counts[s] += 1;
        }
        Assert.Equal(0, decoder.Overrun);
    }

    [Theory]
    [InlineData(1u, 1)]
    [InlineData(3u, 3)]
    [InlineData(1000u, 50)]
    [InlineData(65_537u, 300)]
    [InlineData((1u << 24) - 1, 8192)]
    [InlineData(1u << 24, 8192)]
    public void Arbitrary_totals_cost_at_most_the_ideal_plus_a_hundredth_percent_and_decode_exactly(uint total, int alphabet)
    {
        // Integer counts summing to `total` (each ≥ 1 when the alphabet allows), coded with exact division.
        var rng = new Random((int)(total % 100_003) + alphabet);
        var counts = new uint[alphabet];
        uint remaining = total;
        for (int s = 0; s < alphabet; s++) { counts[s] = 1; remaining--; }
        while (remaining > 0)
        {
            int s = (int)Math.Min(alphabet - 1, rng.NextDouble() * rng.NextDouble() * alphabet);
            uint add = Math.Min(remaining, (uint)rng.Next(1, (int)Math.Max(2, total / 64)));
            counts[s] += add;
            remaining -= add;
        }
        var cumulative = new uint[alphabet + 1];
        for (int s = 0; s < alphabet; s++) cumulative[s + 1] = cumulative[s] + counts[s];
        Assert.Equal(total, cumulative[alphabet]);

        int n = 200_000;
        var symbols = new int[n];
        double ideal = 0;
        for (int i = 0; i < n; i++)
        {
            uint target = (uint)(rng.NextDouble() * total);
            int s = Array.BinarySearch(cumulative, target + 1);
            s = s >= 0 ? s - 1 : ~s - 1;
            symbols[i] = s;
            ideal -= Math.Log2(counts[s] / (double)total);
        }
        var sink = new MemoryStream();
        var encoder = new ArithmeticEncoder(sink);
        foreach (int s in symbols) encoder.Encode(cumulative[s], cumulative[s + 1], total);
        encoder.Finish();
        var payload = sink.ToArray();
        AssertWithinBound(ideal, payload, $"total {total}");

        var decoder = new ArithmeticDecoder(payload);
        for (int i = 0; i < n; i++)
        {
            uint target = decoder.GetTarget(total);
            Assert.True(target < total, $"symbol {i}: target {target} outside the total {total}");
            int s = Array.BinarySearch(cumulative, target + 1);
            s = s >= 0 ? s - 1 : ~s - 1;
            if (s != symbols[i]) Assert.Fail($"symbol {i}: decoded {s}, coded {symbols[i]}");
            decoder.Consume(cumulative[s], cumulative[s + 1], total);
        }
        Assert.Equal(0, decoder.Overrun);
    }

    [Fact]
    public void Power_of_two_and_arbitrary_total_steps_interleave_in_one_stream()
    {
        // As a PPM-style model does: a 2^24 table step, then sometimes a step over another total.
        var table = Table(Weights("zipf"));
        var rng = new Random(21);
        var steps = new List<(bool General, int Symbol, uint Total)>();
        for (int i = 0; i < 100_000; i++)
        {
            if (rng.Next(3) == 0) { uint t = (uint)rng.Next(2, 1 << 20); steps.Add((true, rng.Next((int)Math.Min(t, 1000)), t)); }
            else steps.Add((false, table.Find((uint)rng.Next((int)FrequencyTable.Total)), FrequencyTable.Total));
        }
        var sink = new MemoryStream();
        var encoder = new ArithmeticEncoder(sink);
        double ideal = 0;
        foreach (var (general, s, t) in steps)
        {
            if (general) { encoder.Encode((uint)s, (uint)s + 1, t); ideal += Math.Log2(t); }
            else { encoder.Encode(table.Low(s), table.High(s)); ideal -= Math.Log2(table.Frequency(s) / (double)FrequencyTable.Total); }
        }
        encoder.Finish();
        var payload = sink.ToArray();
        AssertWithinBound(ideal, payload, "interleaved");

        var decoder = new ArithmeticDecoder(payload);
        foreach (var (general, s, t) in steps)
        {
            if (general)
            {
                Assert.Equal((uint)s, decoder.GetTarget(t));
                decoder.Consume((uint)s, (uint)s + 1, t);
            }
            else
            {
                int d = table.Find(decoder.GetTarget());
                Assert.Equal(s, d);
                decoder.Consume(table.Low(d), table.High(d));
            }
        }
        Assert.Equal(0, decoder.Overrun);
    }

    [Fact]
    public void Decoder_reports_overrun_when_the_payload_is_cut_short()
    {
        var table = Table(Weights("near-uniform"));
        var symbols = Draw(table, 1000, seed: 5);
        var payload = Encode(table, symbols);
        Decode(table, payload[..^3], symbols.Length, out int overrun);
        Assert.Equal(3, overrun);
    }
}
