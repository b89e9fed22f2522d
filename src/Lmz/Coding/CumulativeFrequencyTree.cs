namespace Lmz.Coding;

/// <summary>
/// Integer symbol frequencies with O(log n) prefix sums and symbol search (a Fenwick tree), for
/// coding from an adaptive order-0 table without rebuilding a CDF per symbol.
/// </summary>
internal sealed class CumulativeFrequencyTree
{
    private readonly uint[] _tree; // 1-based Fenwick array
    private readonly uint[] _frequencies;
    private readonly int _topBit;

    public CumulativeFrequencyTree(int symbolCount, uint initialFrequency)
    {
        _tree = new uint[symbolCount + 1];
        _frequencies = new uint[symbolCount];
        _topBit = 1;
        while (_topBit * 2 <= symbolCount) _topBit *= 2;
        for (int s = 0; s < symbolCount; s++) Add(s, initialFrequency);
    }

    public int SymbolCount => _frequencies.Length;

    public uint Total { get; private set; }

    public uint Frequency(int symbol) => _frequencies[symbol];

    public void Add(int symbol, uint amount)
    {
        _frequencies[symbol] += amount;
        Total += amount;
        for (int i = symbol + 1; i < _tree.Length; i += i & -i) _tree[i] += amount;
    }

    /// <summary>Sum of the frequencies of symbols below <paramref name="symbol"/>.</summary>
    public uint CumulativeBelow(int symbol)
    {
        uint sum = 0;
        for (int i = symbol; i > 0; i -= i & -i) sum += _tree[i];
        return sum;
    }

    /// <summary>The symbol s with CumulativeBelow(s) ≤ target &lt; CumulativeBelow(s) + Frequency(s).</summary>
    public int Find(uint target)
    {
        int position = 0;
        for (int step = _topBit; step > 0; step >>= 1)
        {
            int next = position + step;
            if (next < _tree.Length && _tree[next] <= target)
            {
                position = next;
                target -= _tree[next];
            }
        }
        return position;
    }

    /// <summary>Halves every frequency (keeping each at least <paramref name="floor"/>) and rebuilds the tree.</summary>
    public void Halve(uint floor)
    {
        Array.Clear(_tree);
        Total = 0;
        for (int s = 0; s < _frequencies.Length; s++)
        {
            uint f = Math.Max(floor, _frequencies[s] >> 1);
            _frequencies[s] = 0;
            Add(s, f);
        }
    }
}
