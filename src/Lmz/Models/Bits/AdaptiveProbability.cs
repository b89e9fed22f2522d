using System.Runtime.Intrinsics.X86;
using Lmz.Core;

namespace Lmz.Models.Bits;

/// <summary>
/// Adaptive probabilities indexed by a small context (a bit history, a match state): each entry
/// holds p(1) in 22 bits and a hit count in 10, and moves towards each coded bit by 1/(n + 1.5)
/// until n reaches the limit, after which it keeps adapting at that rate.
/// </summary>
internal sealed class AdaptiveProbability
{
    private static readonly int[] Rate = BuildRates();
    private readonly uint[] _entries;
    private readonly int _limit;
    private int _index;

    public AdaptiveProbability(int contexts, int limit = 255)
    {
        _entries = new uint[contexts];
        Array.Fill(_entries, 1u << 31);
        _limit = Math.Min(limit, 1023);
    }

    /// <summary>p(1) of <paramref name="context"/> as 12 bits; remembers it for <see cref="Update"/>.</summary>
    public int P(int context)
    {
        _index = context;
        return (int)(_entries[context] >> 20);
    }

    public void Update(int bit) => Update(_index, bit);

    /// <summary>p(1) of <paramref name="context"/> as 12 bits, without remembering it.</summary>
    public int Peek(int context) => (int)(_entries[context] >> 20);

    /// <summary>Asks the memory system for <paramref name="context"/>'s entry ahead of <see cref="P"/> (a hint: no effect on the result).</summary>
    public unsafe void Prefetch(int context)
    {
        if (!Sse.IsSupported) return;
        fixed (uint* entry = &_entries[context]) Sse.Prefetch0(entry);
    }

    /// <summary>Moves <paramref name="context"/> towards <paramref name="bit"/>.</summary>
    public void Update(int context, int bit)
    {
        uint e = _entries[context];
        int n = (int)(e & 1023);
        long p = e >> 10;
        p += (((long)bit << 22) - p) * Rate[n] >> 16;
        if (n < _limit) n++;
        _entries[context] = (uint)(p << 10) | (uint)n;
    }

    /// <summary>Moves each entry of <paramref name="contexts"/> towards <paramref name="bit"/>, in order.</summary>
    public void Update(ReadOnlySpan<int> contexts, int bit)
    {
        var entries = _entries;
        var rate = Rate;
        int limit = _limit;
        long target = (long)bit << 22;
        foreach (int context in contexts)
        {
            uint e = entries[context];
            int n = (int)(e & 1023);
            long p = e >> 10;
            p += (target - p) * rate[n] >> 16;
            if (n < limit) n++;
            entries[context] = (uint)(p << 10) | (uint)n;
        }
    }

    /// <summary>The stretched p(1) of each entry of <paramref name="contexts"/> into <paramref name="stretched"/>.</summary>
    public void PeekStretched(ReadOnlySpan<int> contexts, Span<int> stretched)
    {
        var entries = _entries;
        for (int i = 0; i < contexts.Length; i++) stretched[i] = Logistic.Stretch((int)(entries[contexts[i]] >> 20));
    }

    private static int[] BuildRates()
    {
        var rates = new int[1024];
        for (int n = 0; n < rates.Length; n++) rates[n] = (int)(65536 * 2 / (2 * n + 3)); // 65536 / (n + 1.5), integer
        return rates;
    }
}
