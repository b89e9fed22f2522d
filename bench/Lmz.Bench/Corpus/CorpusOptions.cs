namespace Lmz.Bench.Corpus;

/// <summary>Command-line options of the corpus benchmark.</summary>
public sealed record CorpusOptions
{
    public List<string> Inputs { get; init; } = [];
    public string? Name { get; init; }
    public List<int> Levels { get; init; } = [6, 1];
    public List<string> Peers { get; init; } = [.. CodecCatalog.AllPeers];
    public int Repeat { get; init; } = 3;
    public int RepeatSlow { get; init; } = 1;
    public int Threads { get; init; }

    /// <summary>Also compress with lmz -T 1 and require the same container bytes as the timed run.</summary>
    public bool CheckThreads { get; init; }
    public string? LmzPath { get; init; }

    /// <summary>Another lmz build (e.g. the previous commit's) run at the same levels, named "base lmz -N": an A/B in one run.</summary>
    public string? BaselinePath { get; init; }
    public string? OutputDirectory { get; init; }
    public bool UpdateReadme { get; init; }

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static CorpusOptions Parse(IReadOnlyList<string> args)
    {
        var o = new CorpusOptions();
        var inputs = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value()
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"{a} needs a value");
                return args[++i];
            }
            int Positive(string text, int min)
            {
                if (!int.TryParse(text, out int n) || n < min) throw new ArgumentException($"{a} {text}: expected an integer >= {min}");
                return n;
            }
            switch (a)
            {
                case "--name":
                    string name = Value();
                    if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name.StartsWith('.'))
                        throw new ArgumentException($"--name {name}: expected a plain file name");
                    o = o with { Name = name };
                    break;
                case "--levels":
                    string levels = Value();
                    o = o with
                    {
                        Levels = levels == "none" ? [] : levels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l =>
                            int.TryParse(l.TrimStart('-'), out int n) && n >= LmzCompressionOptions.MinLevel && n <= LmzCompressionOptions.MaxLevel
                                ? n : throw new ArgumentException($"--levels: '{l}' is not a level 1..9")).Distinct().ToList(),
                    };
                    break;
                case "--peers":
                    string peers = Value();
                    var list = peers == "none" ? [] : peers.Split(',', StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
                    foreach (var p in list)
                        if (!CodecCatalog.AllPeers.Contains(p)) throw new ArgumentException($"--peers: unknown peer '{p}' (known: {string.Join(",", CodecCatalog.AllPeers)})");
                    o = o with { Peers = list };
                    break;
                case "--repeat": o = o with { Repeat = Positive(Value(), 1) }; break;
                case "--repeat-slow": o = o with { RepeatSlow = Positive(Value(), 1) }; break;
                case "--threads" or "-T": o = o with { Threads = Positive(Value(), 0) }; break;
                case "--lmz": o = o with { LmzPath = Value() }; break;
                case "--baseline": o = o with { BaselinePath = Value() }; break;
                case "--out": o = o with { OutputDirectory = Value() }; break;
                case "--readme": o = o with { UpdateReadme = true }; break;
                case "--check-threads": o = o with { CheckThreads = true }; break;
                case "--":
                    inputs.AddRange(args.Skip(i + 1));
                    i = args.Count;
                    break;
                default:
                    if (a.StartsWith('-') && a.Length > 1) throw new ArgumentException($"unknown option {a} (see --help)");
                    inputs.Add(a);
                    break;
            }
        }
        return o with { Inputs = inputs };
    }
}

/// <summary>One input file and the label it has in the results.</summary>
public sealed record CorpusFile(string Path, string Label, long Length);

public static class CorpusInputs
{
    /// <summary>
    /// Expands files and directories. A directory with a MANIFEST.tsv contributes the files listed in its
    /// first column, in that order; any other directory all its files (recursively, sorted, hidden ones skipped).
    /// Labels are paths relative to the directory given, or "parent/name" for a file given directly.
    /// </summary>
    public static List<CorpusFile> Expand(IEnumerable<string> inputs)
    {
        var files = new List<CorpusFile>();
        foreach (var input in inputs)
        {
            if (File.Exists(input))
            {
                var full = Path.GetFullPath(input);
                string parent = Path.GetFileName(Path.GetDirectoryName(full)) ?? "";
                files.Add(new CorpusFile(full, parent.Length > 0 ? $"{parent}/{Path.GetFileName(full)}" : Path.GetFileName(full), new FileInfo(full).Length));
            }
            else if (Directory.Exists(input))
            {
                string root = Path.GetFullPath(input);
                foreach (var rel in ListDirectory(root))
                {
                    string full = Path.Combine(root, rel);
                    files.Add(new CorpusFile(full, rel.Replace('\\', '/'), new FileInfo(full).Length));
                }
            }
            else
            {
                throw new ArgumentException($"input not found: {input}");
            }
        }
        // Two inputs with the same label: fall back to the path as displayed.
        files = files.DistinctBy(f => f.Path).ToList();
        var duplicates = files.GroupBy(f => f.Label).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return files.Select(f => duplicates.Contains(f.Label) ? f with { Label = RepoPaths.Display(f.Path) } : f).ToList();
    }

    private static IEnumerable<string> ListDirectory(string root)
    {
        string manifest = Path.Combine(root, "MANIFEST.tsv");
        if (File.Exists(manifest))
        {
            var lines = File.ReadAllLines(manifest).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            bool header = lines.Count > 0 && lines[0].Split('\t')[0] == "file";
            foreach (var line in lines.Skip(header ? 1 : 0))
            {
                string rel = line.Split('\t')[0];
                if (!File.Exists(Path.Combine(root, rel))) throw new ArgumentException($"{manifest} lists {rel}, which does not exist");
                yield return rel;
            }
            yield break;
        }
        foreach (var full in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string rel = Path.GetRelativePath(root, full);
            if (rel.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            yield return rel;
        }
    }
}
