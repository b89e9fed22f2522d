using Lmz.Coding;
using Lmz.Tokenization;

namespace Lmz.Models.Hybrid;

/// <summary>
/// The vocabulary ordered by byte spelling, so the tokens that share a prefix are one contiguous
/// range (a prefix sorts before its continuations). A token is coded as its path through this
/// trie: at each depth where the prefix is itself a token with longer continuations, "end here or
/// continue"; then the next byte from its top bit down, each bit splitting the range in two. A
/// decision whose other branch holds no token is implied, not coded. The token model's
/// probability of a decision is a ratio of two sums of its 24-bit frequencies over ranges, exact
/// in integers.
/// </summary>
internal sealed class TokenTrie
{
    private readonly byte[][] _spelling; // by trie index
    private readonly int[] _tokenAt;     // trie index → token id
    private readonly int[] _index;       // token id → trie index
    private readonly byte[][] _spellingOf; // by token id

    public TokenTrie(LmzTokenizer tokenizer)
    {
        int n = tokenizer.VocabSize;
        _spellingOf = new byte[n][];
        for (int t = 0; t < n; t++) _spellingOf[t] = tokenizer.TokenBytes(t).ToArray();
        _tokenAt = [.. Enumerable.Range(0, n).Order(Comparer<int>.Create((a, b) => _spellingOf[a].AsSpan().SequenceCompareTo(_spellingOf[b])))];
        _index = new int[n];
        _spelling = new byte[n][];
        for (int i = 0; i < n; i++)
        {
            _index[_tokenAt[i]] = i;
            _spelling[i] = _spellingOf[_tokenAt[i]];
            if (_spelling[i].Length == 0 || (i > 0 && _spelling[i].AsSpan().SequenceEqual(_spelling[i - 1])))
                throw new InvalidDataException("the tokenizer has an empty or repeated token, which the trie cannot code");
        }
        MaxLength = _spelling.Max(s => s.Length);
    }

    public int Count => _tokenAt.Length;

    /// <summary>Bytes of the longest token.</summary>
    public int MaxLength { get; }

    /// <summary>Bytes <paramref name="token"/> spells.</summary>
    public int Length(int token) => _spellingOf[token].Length;

    /// <summary>
    /// <paramref name="cumulative"/>[i] = the frequencies of trie indices below i (Count + 1 entries),
    /// from a table over token ids.
    /// </summary>
    public unsafe void Cumulate(FrequencyTable table, Span<uint> cumulative)
    {
        var frequencies = table.Frequencies;
        int n = _tokenAt.Length;
        if (frequencies.Length < n || cumulative.Length < n + 1) throw new ArgumentException("table or output smaller than the vocabulary");
        uint sum = 0;
        fixed (uint* f = frequencies)
        fixed (int* at = _tokenAt)
        fixed (uint* c = cumulative)
        {
            for (int i = 0; i < n; i++)
            {
                c[i] = sum;
                sum += f[at[i]];
            }
            c[n] = sum;
        }
    }

    /// <summary>
    /// Walks the path of <paramref name="token"/> (or, with −1, the path <paramref name="sink"/>
    /// decides) and returns the token: every coded decision goes to <see cref="ITrieSink.Decide"/>,
    /// every implied bit of a byte to <see cref="ITrieSink.Implied"/>.
    /// </summary>
    public int Walk<T>(ReadOnlySpan<uint> cumulative, int token, ref T sink) where T : struct, ITrieSink
    {
        byte[]? target = token >= 0 ? _spellingOf[token] : null;
        int lo = 0, hi = _tokenAt.Length;
        for (int depth = 0; ; depth++)
        {
            if (depth > 0 && _spelling[lo].Length == depth)
            {
                if (hi - lo == 1) return _tokenAt[lo];
                int known = target == null ? -1 : target.Length == depth ? 1 : 0;
                sink.Expect(LongestAlong(lo + 1, hi, depth, sink.Ahead()));
                if (sink.Decide(depth, TrieDecision.End, cumulative[lo + 1] - cumulative[lo], cumulative[hi] - cumulative[lo], known) == 1)
                    return _tokenAt[lo];
                lo++;
            }
            for (int k = 7; k >= 0; k--)
            {
                int mid = Split(lo, hi, depth, 1 << k);
                int bit;
                if (mid == lo) sink.Implied(bit = 1);
                else if (mid == hi) sink.Implied(bit = 0);
                else
                {
                    int known = target == null ? -1 : target[depth] >> k & 1;
                    bit = sink.Decide(depth, k, cumulative[hi] - cumulative[mid], cumulative[hi] - cumulative[lo], known);
                }
                if (bit == 1) lo = mid; else hi = mid;
            }
        }
    }

    /// <summary>
    /// Bytes past <paramref name="depth"/> of the longest token in [lo, hi) (all sharing the first
    /// <paramref name="depth"/> bytes, all longer) that <paramref name="ahead"/> continues into:
    /// 0 for none, −1 when <paramref name="ahead"/> is empty (nothing expected).
    /// </summary>
    public int LongestAlong(int lo, int hi, int depth, ReadOnlySpan<byte> ahead)
    {
        if (ahead.IsEmpty) return -1;
        int longest = 0;
        for (int j = 0; j < ahead.Length && lo < hi; j++)
        {
            int d = depth + j;
            lo = FirstAtLeast(lo, hi, d, ahead[j]);
            hi = FirstAtLeast(lo, hi, d, ahead[j] + 1);
            if (lo < hi && _spelling[lo].Length == d + 1)
            {
                longest = j + 1;
                lo++;
            }
        }
        return longest;
    }

    /// <summary>The range of trie indices whose tokens begin with <paramref name="prefix"/>.</summary>
    public (int Lo, int Hi) RangeOf(ReadOnlySpan<byte> prefix)
    {
        int lo = 0, hi = _tokenAt.Length;
        for (int j = 0; j < prefix.Length && lo < hi; j++)
        {
            if (_spelling[lo].Length == j) lo++;
            lo = FirstAtLeast(lo, hi, j, prefix[j]);
            hi = FirstAtLeast(lo, hi, j, prefix[j] + 1);
        }
        return (lo, hi);
    }

    /// <summary>The first index of [lo, hi) whose byte at <paramref name="depth"/> is at least <paramref name="value"/> (all longer than depth, sorted by it).</summary>
    private int FirstAtLeast(int lo, int hi, int depth, int value)
    {
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_spelling[mid][depth] >= value) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>The first index of [lo, hi) whose byte at <paramref name="depth"/> has <paramref name="mask"/> set (all share the bits above it).</summary>
    private int Split(int lo, int hi, int depth, int mask)
    {
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if ((_spelling[mid][depth] & mask) != 0) hi = mid; else lo = mid + 1;
        }
        return lo;
    }
}

/// <summary>Kinds of trie decision besides the bit positions 7..0 of a byte.</summary>
internal static class TrieDecision
{
    /// <summary>"The token ends here" (bit 1) against "it continues" (bit 0).</summary>
    public const int End = 8;
}

/// <summary>What a trie walk reports to (encoder and decoder drive the same walk).</summary>
internal interface ITrieSink
{
    /// <summary>
    /// A coded decision at byte <paramref name="depth"/> of the token: bit position 7..0 or
    /// <see cref="TrieDecision.End"/>; the token model gives bit 1 <paramref name="one"/> of
    /// <paramref name="total"/>. Returns the bit: <paramref name="known"/> when encoding (0 or 1),
    /// else decoded.
    /// </summary>
    int Decide(int depth, int kind, uint one, uint total, int known);

    /// <summary>A bit of the current byte that only one branch holds.</summary>
    void Implied(int bit);

    /// <summary>Bytes the sink's models expect next (may be empty), read before each "end here" decision.</summary>
    ReadOnlySpan<byte> Ahead();

    /// <summary>
    /// Before each "end here" decision: how many more bytes the longest token in the range that
    /// <see cref="Ahead"/> continues into would take (0: it predicts the end here; −1: no expectation).
    /// </summary>
    void Expect(int longest);
}
