namespace Lmz.Coding;

/// <summary>
/// A cumulative frequency table with total exactly 2^24 and every symbol at least 1 count.
/// Built from unnormalised non-negative weights w_i by integer-exact steps:
/// f_i = 1 + floor(w_i * (2^24 - V) / sum(w)), then the difference between 2^24 and the sum of
/// the f_i (a few counts, either sign) is given to the first symbol of largest weight.
/// The same doubles in the same order give the same table on every machine.
/// </summary>
public sealed class FrequencyTable
{
    public const int TotalBits = 24;
    public const uint Total = 1u << TotalBits;

    private readonly uint[] _cumulative;

    public FrequencyTable(int symbolCount)
    {
        if (symbolCount < 1 || symbolCount > (1 << 20)) throw new ArgumentOutOfRangeException(nameof(symbolCount));
        _cumulative = new uint[symbolCount + 1];
        SymbolCount = symbolCount;
    }

    /// <summary>Symbols in the table as last built (at most the capacity given to the constructor).</summary>
    public int SymbolCount { get; private set; }

    public uint Low(int symbol) => _cumulative[symbol];

    public uint High(int symbol) => _cumulative[symbol + 1];

    public uint Frequency(int symbol) => _cumulative[symbol + 1] - _cumulative[symbol];

    /// <summary>Fills the table from weights; <paramref name="weightSum"/> must be their sum in index order.</summary>
    public void Build(ReadOnlySpan<double> weights, double weightSum) => Build(weights, weightSum, -1, 0);

    /// <summary>
    /// As <see cref="Build(ReadOnlySpan{double}, double)"/> with the weight of one symbol,
    /// <paramref name="replaced"/>, read as <paramref name="replacement"/> (a secondary estimate),
    /// so the caller's weights stay untouched; <paramref name="weightSum"/> is the sum after it.
    /// </summary>
    public void Build(ReadOnlySpan<double> weights, double weightSum, int replaced, double replacement)
    {
        int n = weights.Length;
        if (n < 1 || n >= _cumulative.Length) throw new ArgumentException("weights length must be 1..capacity", nameof(weights));
        SymbolCount = n;
        // A zero, infinite or NaN sum gives every symbol the minimum and the best one the rest.
        double scale = weightSum > 0 && !double.IsInfinity(weightSum) ? (Total - (uint)n) / weightSum : 0;
        long running = 0; // wider than the table: weights that disagree with weightSum are caught below
        int best = 0;
        double bestWeight = -1;
        for (int i = 0; i < n; i++)
        {
            double w = i == replaced ? replacement : weights[i];
            if (w > bestWeight) { bestWeight = w; best = i; }
            _cumulative[i] = (uint)running;
            double scaled = w * scale;
            running += 1 + (scaled > 0 ? (uint)Math.Min(scaled, Total) : 0);
        }
        _cumulative[n] = (uint)running;
        long excess = running - Total;
        if (running > uint.MaxValue || excess >= _cumulative[best + 1] - _cumulative[best])
            throw new ArgumentException("weights disagree with their sum: a symbol would get no code space", nameof(weightSum));
        if (excess != 0)
        {
            // Shift every boundary after the best symbol so its frequency absorbs the excess.
            for (int i = best + 1; i <= n; i++) _cumulative[i] = (uint)(_cumulative[i] - excess);
        }
    }

    /// <summary>The symbol whose interval [Low, High) contains <paramref name="target"/>.</summary>
    public int Find(uint target)
    {
        int lo = 0, hi = SymbolCount - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_cumulative[mid] <= target) lo = mid; else hi = mid - 1;
        }
        return lo;
    }
}
