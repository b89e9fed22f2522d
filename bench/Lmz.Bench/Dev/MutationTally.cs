using System.Text;
using Lmz.Formats;

namespace Lmz.Bench.Dev;

/// <summary>Counts of mutation outcomes by kind of mutation, and the report of them.</summary>
internal sealed class MutationTally
{
    public const string Correct = "decoded correctly";
    public const string Spliced = "decoded to whole chunks of other containers";
    public const string Wrong = "wrong output (no error)";
    public const string Other = "other exception";
    public const string Hang = "no result within 10 s";
    private const string ErrorPrefix = "error: ";

    private readonly Dictionary<(string Kind, string Outcome), int> _counts = [];

    public int Failures { get; private set; }

    public void Add(string kind, string outcome)
    {
        if (outcome.StartsWith(Other, StringComparison.Ordinal)) outcome = Other;
        _counts[(kind, outcome)] = _counts.GetValueOrDefault((kind, outcome)) + 1;
        if (outcome is Wrong or Other or Hang) Failures++;
    }

    /// <summary>Which check raised an InvalidDataException, from its message.</summary>
    public static string Check(string message)
    {
        string m = message;
        string what =
            m.Contains("file header checksum") ? "header CRC-32" :
            m.Contains("record or payload checksum") || m.Contains("payload checksum mismatch") || m.Contains("record checksum mismatch") ? "per-record CRC-32" :
            m.Contains("checksum of the decoded bytes") ? "per-chunk CRC-32 of the decoded bytes" :
            m.Contains("whole-content checksum") ? "content hash (XxHash64)" :
            m.Contains("model bundle") || m.Contains("inference fingerprint") ? "bundle / inference fingerprint" :
            m.Contains("bad magic") || m.Contains("trailing garbage") ? "magic (or trailing bytes)" :
            m.Contains("truncated") ? "truncation" :
            m.Contains("byte-model") || m.Contains("LZ4 block") || m.Contains("decoded tokens") || m.Contains("stored length") || m.Contains("decoded ") ? "payload decoder / decoded length" :
            "header/record parse (version, level, lengths, method, varint, chunk count)";
        return ErrorPrefix + what;
    }

    public string Report(IReadOnlyList<KnownContainer> known, int count, int seed, double seconds, string command, IEnumerable<(string Label, string Value)> machine)
    {
        var kinds = MutateCommand.Kinds;
        var outcomes = _counts.Keys.Select(k => k.Outcome).Distinct()
            .Concat([Correct, Spliced, Wrong, Other, Hang]).Distinct()
            .OrderBy(o => o == Correct ? 0 : o == Spliced ? 1 : o.StartsWith(ErrorPrefix, StringComparison.Ordinal) ? 2 : 3).ThenBy(o => o, StringComparer.Ordinal).ToList();
        var s = new StringBuilder();
        s.AppendLine("# Mutation bench: corrupted containers, decoded");
        s.AppendLine();
        s.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; format version {Formats.Format.Current.Version}");
        foreach (var (label, value) in machine.Where(r => r.Label is "lmz source" or "CPU" or "cores" or ".NET" or "load average at start"))
            s.AppendLine($"- {label}: {value}");
        s.AppendLine($"- command: `{command}` ({count:N0} mutations, RNG seed {seed}, one thread, {seconds:F0} s)");
        s.AppendLine($"- {known.Count} containers ({known.Min(k => k.Container.Length)}–{known.Max(k => k.Container.Length):N0} bytes): " +
            "slices of alice29.txt, fields.c, geo, ooffice and random data at levels 1, 2, 6, 7 and 9, paper1 in 4 KiB chunks at 1 and 6, empty and one-byte inputs, two joined");
        s.AppendLine("- kinds: 1–3 bit flips / random / boundary bytes; one random span, span deletion, duplication, truncation or insertion; a splice " +
            "(a prefix of one container, the tail of another); the first two again with every header and record CRC recomputed, so the checks behind them are reached");
        s.AppendLine("- a mutant that is a run of intact containers (a truncation or splice on a member boundary) must decode to their contents; any other must fail or decode to the original");
        s.AppendLine($"- \"{Spliced}\": a splice that joined intact records (each chunk's record and payload are checked together) into a valid container, " +
            "e.g. one level's header before another level's chunk, or a container cut after a chunk and ended by another's end mark; its output is whole " +
            "chunks that the encoder wrote, not corrupt bytes. Format 14 allows it: a container of fewer than two chunks has no content hash or chunk count to tell");
        s.AppendLine();
        s.AppendLine($"| outcome | {string.Join(" | ", kinds)} | total |");
        s.AppendLine($"|---|{string.Concat(kinds.Select(_ => "---:|"))}---:|");
        foreach (var o in outcomes)
        {
            var row = kinds.Select(k => _counts.GetValueOrDefault((k, o))).ToList();
            s.AppendLine($"| {o} | {string.Join(" | ", row.Select(v => v.ToString("N0")))} | {row.Sum():N0} |");
        }
        var totals = kinds.Select(k => _counts.Where(c => c.Key.Kind == k).Sum(c => c.Value)).ToList();
        s.AppendLine($"| **all** | {string.Join(" | ", totals.Select(v => v.ToString("N0")))} | {totals.Sum():N0} |");
        return s.ToString();
    }
}
