using Lmz.Network;
namespace Lmz.Bench.Corpus;

/// <summary>The lmz levels and the peer compressors, with their exact command lines.</summary>
public static class CodecCatalog
{
    /// <summary>Peers in report order; the name is what --peers takes.</summary>
    public static readonly string[] AllPeers = ["gzip", "bzip2", "xz", "zstd", "brotli", "zpaq", "paq8px"];

    public static (List<Codec> Codecs, List<MissingCodec> Missing) Build(CorpusOptions options, LmzLauncher? lmz, string lmzProblem)
    {
        var codecs = new List<Codec>();
        var missing = new List<MissingCodec>();
        foreach (int level in options.Levels)
        {
            if (lmz == null) missing.Add(new MissingCodec($"lmz -{level}", lmzProblem));
            else codecs.Add(Lmz(lmz, level, options.Threads));
        }
        if (options.BaselinePath != null)
        {
            var baseline = LmzLauncher.Find(options.BaselinePath, out string problem);
            foreach (int level in options.Levels)
            {
                if (baseline == null) missing.Add(new MissingCodec($"base lmz -{level}", problem));
                else codecs.Add(Lmz(baseline, level, options.Threads, "base "));
            }
        }
        foreach (var peer in options.Peers)
        {
            string? path = ChildProcess.Which(peer);
            var codec = path == null ? null : Peer(peer, path);
            if (codec == null) missing.Add(new MissingCodec(PeerDisplayName(peer), $"`{peer}` is not on PATH" + InstallHint(peer)));
            else codecs.Add(codec);
        }
        return (codecs, missing);
    }

    public static string PeerDisplayName(string peer) => peer switch
    {
        "gzip" => "gzip -9",
        "bzip2" => "bzip2 -9",
        "xz" => "xz -9e",
        "zstd" => "zstd -22",
        "brotli" => "brotli -q11",
        "zpaq" => "zpaq -m5",
        "paq8px" => "paq8px -8",
        _ => peer,
    };

    private static string InstallHint(string peer) => peer switch
    {
        "paq8px" => "; Debian does not package it: build it from source and put it on PATH",
        _ => "; run bench/install-peers.sh",
    };

    /// <summary>"TOOL X.Y.Z" from the first version number in a tool's banner, else its first line.</summary>
    private static string VersionOf(string tool, string? banner)
    {
        if (string.IsNullOrWhiteSpace(banner)) return "?";
        var match = System.Text.RegularExpressions.Regex.Match(banner, @"\bv?(\d+\.\d+(?:\.\d+)*)\b");
        return match.Success ? $"{tool} {match.Groups[1].Value}" : banner.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0);
    }

    private static Codec Lmz(LmzLauncher lmz, int level, int threads, string namePrefix = "")
    {
        string[] common = ["-q", "--no-progress", .. threads > 0 ? new[] { "-T", threads.ToString() } : []];
        string threadText = threads > 0 ? $" -T {threads}" : "";
        return new Codec
        {
            Name = $"{namePrefix}lmz -{level}",
            Tool = "lmz",
            Slow = true,
            CompressDisplay = $"lmz -c -{level} -q --no-progress{threadText} FILE > FILE.lmz",
            DecompressDisplay = $"lmz -d -c -q --no-progress{threadText} FILE.lmz > OUT",
            Version = VersionOf("lmz", ChildProcess.Capture(lmz.Prefix[0], [.. lmz.Prefix.Skip(1), "--version"])),
            Compress = p =>
            {
                string packed = Path.Combine(p.Scratch, Path.GetFileName(p.Input) + ".lmz");
                return (new Invocation([.. lmz.Prefix, "-c", $"-{level}", .. common, p.Input], packed, p.Scratch), packed);
            },
            Decompress = (p, packed) =>
            {
                string output = Path.Combine(p.Scratch, "restored");
                return (new Invocation([.. lmz.Prefix, "-d", "-c", .. common, packed], output, p.Scratch), output);
            },
            CompressOneThread = (p, output) =>
                new Invocation([.. lmz.Prefix, "-c", $"-{level}", "-q", "--no-progress", "-T", "1", p.Input], output, p.Scratch),
        };
    }

    /// <summary>A filter-style peer: "TOOL FLAGS -c FILE > OUT" and "TOOL -d -c OUT > RESTORED".</summary>
    private static Codec Filter(string tool, string path, string[] flags, string extension, string version) => new()
    {
        Name = PeerDisplayName(tool),
        Tool = tool,
        Slow = false,
        CompressDisplay = $"{tool} {string.Join(' ', flags)} -c FILE > FILE{extension}",
        DecompressDisplay = $"{tool} -d -c FILE{extension} > OUT",
        Version = version,
        Compress = p =>
        {
            string packed = Path.Combine(p.Scratch, Path.GetFileName(p.Input) + extension);
            return (new Invocation([path, .. flags, "-c", p.Input], packed, p.Scratch), packed);
        },
        Decompress = (p, packed) =>
        {
            string output = Path.Combine(p.Scratch, "restored");
            return (new Invocation([path, "-d", "-c", packed], output, p.Scratch), output);
        },
    };

    private static Codec? Peer(string peer, string path)
    {
        string FirstLine(params string[] args) => VersionOf(peer, ChildProcess.Capture(path, args));
        switch (peer)
        {
            case "gzip": return Filter("gzip", path, ["-9"], ".gz", FirstLine("--version"));
            case "bzip2": return Filter("bzip2", path, ["-9"], ".bz2", FirstLine("--help"));
            case "xz": return Filter("xz", path, ["-9e"], ".xz", FirstLine("--version"));
            case "zstd": return Filter("zstd", path, ["--ultra", "-22"], ".zst", FirstLine("--version"));
            case "brotli": return Filter("brotli", path, ["-q", "11"], ".br", FirstLine("--version"));
            case "zpaq":
                // An archiver: it stores the name it is given, so it runs in the input's directory with the bare
                // name and extracts into a fresh directory. The archive must not exist (zpaq appends).
                return new Codec
                {
                    Name = PeerDisplayName(peer),
                    Tool = peer,
                    Slow = true,
                    CompressDisplay = "zpaq a OUT.zpaq NAME -m5  # run in FILE's directory",
                    DecompressDisplay = "zpaq x OUT.zpaq  # run in an empty directory",
                    Version = FirstLine(),
                    Compress = p =>
                    {
                        string archive = Path.Combine(p.Scratch, "archive.zpaq");
                        File.Delete(archive);
                        return (new Invocation([path, "a", archive, Path.GetFileName(p.Input), "-m5"], "/dev/null", Path.GetDirectoryName(Path.GetFullPath(p.Input))!), archive);
                    },
                    Decompress = (p, archive) =>
                    {
                        string dir = Path.Combine(p.Scratch, "extract");
                        if (Directory.Exists(dir)) Directory.Delete(dir, true);
                        Directory.CreateDirectory(dir);
                        return (new Invocation([path, "x", archive], "/dev/null", dir), Path.Combine(dir, Path.GetFileName(p.Input)));
                    },
                };
            case "paq8px":
                return new Codec
                {
                    Name = PeerDisplayName(peer),
                    Tool = peer,
                    Slow = true,
                    CompressDisplay = "paq8px -8 FILE OUT.paq8px",
                    DecompressDisplay = "paq8px -d OUT.paq8px RESTORED",
                    Version = FirstLine(),
                    Compress = p =>
                    {
                        string archive = Path.Combine(p.Scratch, Path.GetFileName(p.Input) + ".paq8px");
                        File.Delete(archive);
                        return (new Invocation([path, "-8", p.Input, archive], "/dev/null", p.Scratch), archive);
                    },
                    Decompress = (p, archive) =>
                    {
                        string output = Path.Combine(p.Scratch, "restored");
                        File.Delete(output);
                        return (new Invocation([path, "-d", archive, output], "/dev/null", p.Scratch), output);
                    },
                };
            default:
                return null;
        }
    }
}
