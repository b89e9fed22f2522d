using System.Text;
using Lmz.Tokenization;

namespace Lmz.Train;

/// <summary>
/// Byte-level BPE trainer. Text is split into pieces by <see cref="PreTokenization"/>; the
/// 256 byte values are ranks 0..255; each merge of the most frequent adjacent pair (ties: the
/// smaller pair of ids) adds the next rank. Pair counts are updated incrementally, touching
/// only the words that contain the merged pair, so 8k merges over ~10^6 distinct words run in
/// seconds. Output is a tiktoken rank file that Microsoft.ML.Tokenizers loads.
/// </summary>
public sealed class BpeTrainer
{
    private readonly Dictionary<string, long> _wordCounts = new(StringComparer.Ordinal);

    public void AddText(ReadOnlySpan<byte> utf8)
    {
        // Invalid UTF-8 decodes to U+FFFD here; that only affects which merges are learned.
        var text = Encoding.UTF8.GetString(utf8);
        foreach (var match in PreTokenization.Regex().EnumerateMatches(text))
        {
            var word = text.Substring(match.Index, match.Length);
            _wordCounts[word] = _wordCounts.GetValueOrDefault(word) + 1;
        }
    }

    public int DistinctWords => _wordCounts.Count;

    /// <summary>Learns merges until the vocabulary has <paramref name="vocabSize"/> entries.</summary>
    public List<byte[]> Train(int vocabSize, Action<string>? log = null)
    {
        var vocab = new List<byte[]>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal); // latin1 key of the bytes
        for (int b = 0; b < 256; b++) { vocab.Add([(byte)b]); ids[Key([(byte)b])] = b; }

        // Words ordered deterministically so tie-breaking never depends on hash order.
        var entries = _wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var words = new int[entries.Length][];
        var counts = new long[entries.Length];
        for (int w = 0; w < entries.Length; w++)
        {
            words[w] = Encoding.UTF8.GetBytes(entries[w].Key).Select(b => (int)b).ToArray();
            counts[w] = entries[w].Value;
        }

        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        for (int w = 0; w < words.Length; w++) AddPairs(words[w], w, counts[w], pairCounts, pairWords);

        var queue = new PriorityQueue<long, (long Count, long Pair)>(Comparer<(long Count, long Pair)>.Create(
            (x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Pair.CompareTo(y.Pair)));
        foreach (var (pair, count) in pairCounts) queue.Enqueue(pair, (count, pair));

        while (vocab.Count < vocabSize && queue.TryDequeue(out long best, out var priority))
        {
            long current = pairCounts.GetValueOrDefault(best);
            if (current != priority.Count) { if (current > 0) queue.Enqueue(best, (current, best)); continue; }
            if (current < 2) break;

            int left = (int)(best >> 32), right = (int)(best & 0xFFFFFFFF);
            byte[] merged = [.. vocab[left], .. vocab[right]];
            string key = Key(merged);
            if (!ids.TryGetValue(key, out int newId))
            {
                newId = vocab.Count;
                vocab.Add(merged);
                ids[key] = newId;
            }

            var touched = new HashSet<long>();
            foreach (int w in pairWords[best].Order())
            {
                RemovePairs(words[w], counts[w], pairCounts, touched);
                words[w] = Merge(words[w], left, right, newId);
                AddPairs(words[w], w, counts[w], pairCounts, pairWords, touched);
            }
            pairWords.Remove(best);
            pairCounts.Remove(best);
            foreach (long pair in touched)
                if (pairCounts.TryGetValue(pair, out long c) && c > 0) queue.Enqueue(pair, (c, pair));

            if (log != null && vocab.Count % 1000 == 0) log($"vocab {vocab.Count}: last merge count {current}");
        }
        return vocab;
    }

    public static void WriteRankFile(IReadOnlyList<byte[]> vocab, string path)
    {
        var sb = new StringBuilder();
        for (int rank = 0; rank < vocab.Count; rank++)
            sb.Append(Convert.ToBase64String(vocab[rank])).Append(' ').Append(rank).Append('\n');
        File.WriteAllText(path, sb.ToString(), Encoding.ASCII);
    }

    private static string Key(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    private static long PairKey(int a, int b) => ((long)a << 32) | (uint)b;

    private static void AddPairs(int[] word, int w, long count, Dictionary<long, long> pairCounts,
        Dictionary<long, HashSet<int>> pairWords, HashSet<long>? touched = null)
    {
        for (int i = 0; i + 1 < word.Length; i++)
        {
            long pair = PairKey(word[i], word[i + 1]);
            pairCounts[pair] = pairCounts.GetValueOrDefault(pair) + count;
            if (!pairWords.TryGetValue(pair, out var set)) pairWords[pair] = set = [];
            set.Add(w);
            touched?.Add(pair);
        }
    }

    private static void RemovePairs(int[] word, long count, Dictionary<long, long> pairCounts, HashSet<long> touched)
    {
        for (int i = 0; i + 1 < word.Length; i++)
        {
            long pair = PairKey(word[i], word[i + 1]);
            pairCounts[pair] -= count;
            touched.Add(pair);
        }
    }

    private static int[] Merge(int[] word, int left, int right, int newId)
    {
        var result = new List<int>(word.Length);
        for (int i = 0; i < word.Length; i++)
        {
            if (i + 1 < word.Length && word[i] == left && word[i + 1] == right) { result.Add(newId); i++; }
            else result.Add(word[i]);
        }
        return [.. result];
    }
}
