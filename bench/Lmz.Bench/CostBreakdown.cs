using Lmz.Coding;
using Lmz.Models.Tokens;
using Lmz.Tokenization;

namespace Lmz.Bench;

/// <summary>
/// Where the bits of one coded stream go (`ablate --costs`): each token's cost, −log2 of its
/// share of the 24-bit table it was coded with, summed by the kind of token and by what the
/// match model predicted for it.
/// </summary>
internal sealed class CostBreakdown(LmzTokenizer tokenizer)
{
    private readonly record struct Row(long Tokens, long Bytes, double Bits);

    private readonly SortedDictionary<string, Row> _byKind = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Row> _byMatch = new(StringComparer.Ordinal);
    private bool _afterSpace = true;
    private double _total;

    /// <summary>Codes <paramref name="ids"/> with <paramref name="model"/> (Predict, then Update) and records every token.</summary>
    public void Run(TokenEnsemble model, MatchModel? match, IReadOnlyList<int> ids)
    {
        foreach (int token in ids)
        {
            var table = model.Predict();
            string matchState = match == null || match.Predicted < 0 ? "no match"
                : match.Predicted != token ? "match, wrong"
                : match.MatchLength < 16 ? "match right, length < 16" : "match right, length 16+";
            double bits = -Math.Log2(table.Frequency(token) / (double)FrequencyTable.Total);
            model.Update(token);
            var bytes = tokenizer.TokenBytes(token);
            Add(_byKind, KindOf(bytes), bytes.Length, bits);
            Add(_byMatch, matchState, bytes.Length, bits);
            _afterSpace = IsSpace(bytes[^1]);
            _total += bits;
        }
    }

    private string KindOf(ReadOnlySpan<byte> bytes)
    {
        bool spaced = bytes.Length > 1 && bytes[0] == (byte)' ';
        byte first = spaced ? bytes[1] : bytes[0];
        if (bytes.IndexOfAnyExcept(" \t\r\n"u8) < 0) return "whitespace";
        if (char.IsAsciiDigit((char)first)) return "number";
        if (!char.IsAsciiLetter((char)first) && first < 0x80) return "punctuation, symbols";
        if (spaced) return "word, space-led";
        return _afterSpace ? "word after a line break or indent" : "word piece (continues a word)";
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static void Add(SortedDictionary<string, Row> rows, string key, int bytes, double bits)
    {
        rows.TryGetValue(key, out var row);
        rows[key] = new Row(row.Tokens + 1, row.Bytes + bytes, row.Bits + bits);
    }

    public void Print(TextWriter output)
    {
        foreach (var (title, rows) in new[] { ("token kind", _byKind), ("match model", _byMatch) })
        {
            output.WriteLine($"  {title,-34} {"tokens",8} {"bytes",9} {"coded B",9} {"bits/tok",8} {"bpb",6} {"share",6}");
            foreach (var (key, row) in rows.OrderByDescending(r => r.Value.Bits))
                output.WriteLine($"  {key,-34} {row.Tokens,8} {row.Bytes,9} {row.Bits / 8,9:F0} {row.Bits / row.Tokens,8:F2} {row.Bits / row.Bytes,6:F3} {100 * row.Bits / _total,5:F1}%");
        }
    }
}
