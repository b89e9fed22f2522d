using System.Runtime.InteropServices;

namespace Lmz.Bench.Dev;

/// <summary>
/// costs FILE A.f32 B.f32: where two coders' bits go in one file. Each .f32 holds a cost in bits
/// per byte of FILE (float32; `hybrid` writes them with H_DUMP=DIR; a longer file's last bytes
/// are taken, for a coder that also codes a header). Bytes are grouped by kind: a line's leading
/// blanks, the first byte of an identifier and the rest of it, blanks after it, brackets, line
/// feeds and other bytes; then the file in eighths.
/// </summary>
public static class CostCompareCommand
{
    public static int Run(string[] args)
    {
        if (args.Length != 3) return AblateCommand.Fail("usage: costs FILE A.f32 B.f32");
        var data = File.ReadAllBytes(args[0]);
        var a = Costs(args[1], data.Length);
        var b = Costs(args[2], data.Length);
        var groups = new SortedDictionary<string, (double A, double B, int Count)>(StringComparer.Ordinal);
        bool leading = true, previousIdentifier = false;
        for (int i = 0; i < data.Length; i++)
        {
            byte c = data[i];
            bool identifier = char.IsAsciiLetterOrDigit((char)c) || c is (byte)'_' or (byte)'-' or (byte)'*' || c >= 128;
            string kind = c == '\n' ? "line feed"
                : leading && c is (byte)' ' or (byte)'\t' ? "leading blank"
                : identifier ? (previousIdentifier ? "identifier, rest" : "identifier, first byte")
                : c is (byte)' ' or (byte)'\t' ? "blank"
                : c is (byte)'(' or (byte)')' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' ? "bracket"
                : "other";
            leading = c == '\n' || (leading && c is (byte)' ' or (byte)'\t');
            previousIdentifier = identifier;
            var g = groups.GetValueOrDefault(kind);
            groups[kind] = (g.A + a[i], g.B + b[i], g.Count + 1);
        }
        Console.WriteLine($"{Path.GetFileName(args[0])}: A {a.Sum() / 8:F0} B, B {b.Sum() / 8:F0} B");
        Console.WriteLine($"| bytes | count | A (bytes) | B (bytes) | A − B |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (kind, g) in groups.OrderByDescending(kv => kv.Value.A - kv.Value.B))
            Console.WriteLine($"| {kind} | {g.Count:N0} | {g.A / 8:N1} | {g.B / 8:N1} | {(g.A - g.B) / 8:+0.0;-0.0} |");
        for (int part = 0; part < 8; part++)
        {
            int from = (int)((long)data.Length * part / 8), to = (int)((long)data.Length * (part + 1) / 8);
            double sa = a.AsSpan(from, to - from).ToArray().Sum(), sb = b.AsSpan(from, to - from).ToArray().Sum();
            Console.WriteLine($"| eighth {part + 1} | {to - from:N0} | {sa / 8:N1} | {sb / 8:N1} | {(sa - sb) / 8:+0.0;-0.0} |");
        }
        return 0;
    }

    private static double[] Costs(string path, int length)
    {
        var all = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path));
        if (all.Length < length) throw new InvalidDataException($"{path} holds {all.Length} costs, fewer than the file's {length} bytes");
        return [.. all[^length..].ToArray().Select(x => (double)x)];
    }
}
