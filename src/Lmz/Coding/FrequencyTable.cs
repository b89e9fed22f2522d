using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lmz.Network;

namespace Lmz.Coding;

/// <summary>
/// A cumulative frequency table with total exactly 2^24 and every symbol at least 1 count.
/// Built from unnormalised non-negative weights w_i by integer-exact steps:
/// f_i = 1 + floor(w_i * (2^24 - V) / sum(w)), then the difference between 2^24 and the sum of
/// the f_i (a few counts, either sign) is given to the first symbol of largest weight.
/// The same doubles in the same order give the same table on every machine.
/// </summary>
internal sealed class FrequencyTable
{
    public const int TotalBits = 24;
    public const uint Total = 1u << TotalBits;

    private readonly uint[] _cumulative;
    private readonly uint[] _frequencies;

    public FrequencyTable(int symbolCount)
    {
        if (symbolCount < 1 || symbolCount > (1 << 20)) throw new ArgumentOutOfRangeException(nameof(symbolCount));
        _cumulative = new uint[symbolCount + 1];
        _frequencies = new uint[symbolCount];
        SymbolCount = symbolCount;
    }

    /// <summary>Symbols in the table as last built (at most the capacity given to the constructor).</summary>
    public int SymbolCount { get; private set; }

    public uint Low(int symbol) => _cumulative[symbol];

    /// <summary>Every symbol's frequency, <see cref="High"/> − <see cref="Low"/>, as last built.</summary>
    internal ReadOnlySpan<uint> Frequencies => _frequencies.AsSpan(0, SymbolCount);

    public uint High(int symbol) => _cumulative[symbol + 1];

    public uint Frequency(int symbol) => _cumulative[symbol + 1] - _cumulative[symbol];

    /// <summary>Fills the table from weights; <paramref name="weightSum"/> must be their sum in index order.</summary>
    public void Build(ReadOnlySpan<double> weights, double weightSum) => Build(weights, weightSum, -1, 0);

    /// <summary>
    /// As <see cref="Build(ReadOnlySpan{double}, double)"/> with the weight of one symbol,
    /// <paramref name="replaced"/>, read as <paramref name="replacement"/> (a secondary estimate),
    /// so the caller's weights stay untouched; <paramref name="weightSum"/> is the sum after it.
    /// </summary>
    public unsafe void Build(ReadOnlySpan<double> weights, double weightSum, int replaced, double replacement)
    {
        int n = weights.Length;
        if (n < 1 || n >= _cumulative.Length) throw new ArgumentException("weights length must be 1..capacity", nameof(weights));
        if (replaced >= n) throw new ArgumentOutOfRangeException(nameof(replaced));
        SymbolCount = n;
        // A zero, infinite or NaN sum gives every symbol the minimum and the best one the rest.
        double scale = weightSum > 0 && !double.IsInfinity(weightSum) ? (Total - (uint)n) / weightSum : 0;
        int best;
        long running = 0; // wider than the table: weights that disagree with weightSum are caught below
        fixed (double* w = weights)
        fixed (uint* f = _frequencies)
        fixed (uint* c = _cumulative)
        {
            // Each symbol's count, then the running sums in index order.
            Counts(w, n, scale, f);
            double top = -1;
            best = FirstLargest(w, 0, replaced < 0 ? n : replaced, ref top);
            if (replaced >= 0)
            {
                f[replaced] = Count(replacement, scale);
                if (replacement > top) (top, best) = (replacement, replaced);
                int after = FirstLargest(w, replaced + 1, n, ref top);
                if (after >= 0) best = after;
            }
            if (best < 0) best = 0;
            running = RunningSums(f, n, c);
        }
        _cumulative[n] = (uint)running;
        long excess = running - Total;
        if (running > uint.MaxValue || excess >= _cumulative[best + 1] - _cumulative[best])
            throw new ArgumentException("weights disagree with their sum: a symbol would get no code space", nameof(weightSum));
        if (excess != 0)
        {
            // Shift every boundary after the best symbol so its frequency absorbs the excess.
            for (int i = best + 1; i <= n; i++) _cumulative[i] = (uint)(_cumulative[i] - excess);
            _frequencies[best] = (uint)(_frequencies[best] - excess);
        }
    }

    /// <summary>
    /// c[i] = Σ f[j] for j &lt; i (mod 2^32), eight at a time by in-register running sums where
    /// AVX2 is there; returns the whole sum, exact in 64 bits.
    /// </summary>
    private static unsafe long RunningSums(uint* f, int n, uint* c)
    {
        long total = 0;
        int i = 0;
        if (Avx2.IsSupported)
        {
            var upperHalf = Vector256.Create(0, 0, 0, 0, -1, -1, -1, -1).AsUInt32();
            var third = Vector256.Create(3);
            for (; i + 8 <= n; i += 8)
            {
                var x = Vector256.Load(f + i);
                var sums = x + Avx2.ShiftLeftLogical128BitLane(x, 4);
                sums += Avx2.ShiftLeftLogical128BitLane(sums, 8);
                sums += Avx2.PermuteVar8x32(sums.AsInt32(), third).AsUInt32() & upperHalf; // inclusive sums of the eight
                (Vector256.Create((uint)total) + sums - x).Store(c + i);
                total += sums.GetElement(7); // each count is at most 2^24 + 1: eight never wrap
            }
        }
        for (; i < n; i++)
        {
            c[i] = (uint)total;
            total += f[i];
        }
        return total;
    }

    /// <summary>1 + floor(w · scale), the scaled part clamped to [0, Total] (NaN: 0).</summary>
    private static uint Count(double w, double scale)
    {
        double scaled = w * scale;
        return 1 + (scaled > 0 ? (uint)Math.Min(scaled, Total) : 0);
    }

    /// <summary><see cref="Count"/> of every weight, eight at a time where vectors are fast (the same IEEE products and truncations).</summary>
    private static unsafe void Counts(double* w, int n, double scale, uint* counts)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var (s, total, one) = (Vector256.Create(scale), Vector256.Create((double)Total), Vector256.Create(1));
            for (; i + 8 <= n; i += 8)
            {
                var (a, b) = (Vector256.Load(w + i) * s, Vector256.Load(w + i + 4) * s);
                var ca = Vector256.ConvertToInt64(Vector256.Min(a, total)) & Vector256.GreaterThan(a, Vector256<double>.Zero).AsInt64();
                var cb = Vector256.ConvertToInt64(Vector256.Min(b, total)) & Vector256.GreaterThan(b, Vector256<double>.Zero).AsInt64();
                (Vector256.Narrow(ca, cb) + one).AsUInt32().Store(counts + i);
            }
        }
        for (; i < n; i++) counts[i] = Count(w[i], scale);
    }

    /// <summary>
    /// The first index in [from, to) of the largest weight, if it is above <paramref name="top"/>
    /// (then raised to it), else −1: what a scan keeping the first w > top finds.
    /// </summary>
    private static unsafe int FirstLargest(double* w, int from, int to, ref double top)
    {
        int i = from;
        if (Vector256.IsHardwareAccelerated && to - from >= 16)
        {
            var peak = Vector256.Create(top);
            for (; i + 4 <= to; i += 4) peak = Vector256.Max(peak, Vector256.Load(w + i));
            double m = top;
            bool nan = false;
            for (int lane = 0; lane < 4; lane++)
            {
                double x = peak.GetElement(lane);
                nan |= double.IsNaN(x);
                if (x > m) m = x;
            }
            if (!nan)
            {
                for (; i < to; i++) if (w[i] > m) m = w[i];
                if (!(m > top)) return -1;
                top = m;
                for (i = from; w[i] != m; i++) { }
                return i;
            }
            i = from; // a NaN weight: the scan below skips it as the plain one does
        }
        int found = -1;
        for (; i < to; i++)
            if (w[i] > top) (top, found) = (w[i], i);
        return found;
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
