using Lmz.Network;
namespace Lmz.Bench.Corpus;

/// <summary>Where one timed run's files live: the input, and a scratch directory owned by the run.</summary>
public sealed record RunPaths(string Input, string Scratch);

/// <summary>
/// One compressor at one setting, as child-process commands. <see cref="Compress"/> returns the
/// command and the path of the compressed file it produces (whose size is counted, container and
/// archive headers included); <see cref="Decompress"/> returns the command and the path of the
/// restored file, which must equal the input byte for byte.
/// </summary>
public sealed class Codec
{
    public required string Name { get; init; }

    /// <summary>The tool's name as given to --peers ("lmz" for lmz levels).</summary>
    public required string Tool { get; init; }

    /// <summary>Slow codecs get <c>--repeat-slow</c> timed runs (default 1), the others <c>--repeat</c> (default 3).</summary>
    public required bool Slow { get; init; }

    public required string CompressDisplay { get; init; }

    public required string DecompressDisplay { get; init; }

    public string Version { get; init; } = "";

    public required Func<RunPaths, (Invocation Command, string CompressedPath)> Compress { get; init; }

    public required Func<RunPaths, string, (Invocation Command, string OutputPath)> Decompress { get; init; }

    /// <summary>For lmz: the compression command with one thread, writing to the given path.</summary>
    public Func<RunPaths, string, Invocation>? CompressOneThread { get; init; }
}

/// <summary>A requested compressor that cannot run here, and why.</summary>
public sealed record MissingCodec(string Name, string Reason);

/// <summary>How to start the lmz CLI: an apphost, or "dotnet X.dll".</summary>
public sealed record LmzLauncher(IReadOnlyList<string> Prefix, string Directory)
{
    public const string DefaultBuildDirectory = "src/Lmz.Cli/bin/Release/net10.0";

    public string Display => string.Join(' ', Prefix.Select(RepoPaths.Display));

    /// <summary>--lmz PATH if given, else the Release build of src/Lmz.Cli (apphost "lmz", then Lmz.Cli.dll, then lmz.dll).</summary>
    public static LmzLauncher? Find(string? explicitPath, out string problem)
    {
        problem = "";
        var candidates = explicitPath != null
            ? [Path.GetFullPath(explicitPath)]
            : new[] { "lmz", "Lmz.Cli.dll", "lmz.dll" }.Select(n => Path.Combine(RepoPaths.Root, DefaultBuildDirectory, n)).ToList();
        foreach (var path in candidates)
        {
            if (!File.Exists(path)) continue;
            string dir = Path.GetDirectoryName(path)!;
            return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? new LmzLauncher(["dotnet", path], dir)
                : new LmzLauncher([path], dir);
        }
        problem = explicitPath != null
            ? $"--lmz {explicitPath}: no such file"
            : $"no lmz build in {DefaultBuildDirectory} (build it with: dotnet build src/Lmz.Cli -c Release)";
        return null;
    }

    /// <summary>A warning when a source file under src/Lmz or src/Lmz.Cli is newer than the build.</summary>
    public string? StalenessWarning()
    {
        // The newest of the assemblies: an incremental build leaves an unchanged one's time alone.
        var built = new[] { "Lmz.Cli.dll", "lmz.dll", "Lmz.dll" }.Select(n => Path.Combine(Directory, n)).Where(File.Exists).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max();
        if (built == DateTime.MinValue) return null;
        var sources = new[] { "src/Lmz", "src/Lmz.Cli" }.Select(d => Path.Combine(RepoPaths.Root, d)).Where(System.IO.Directory.Exists)
            .SelectMany(d => System.IO.Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));
        var newer = sources.Where(f => File.GetLastWriteTimeUtc(f) > built).Select(RepoPaths.Display).Take(3).ToList();
        return newer.Count == 0 ? null : $"the lmz build in {RepoPaths.Display(Directory)} is older than {string.Join(", ", newer)}; rebuild with: dotnet build src/Lmz.Cli -c Release";
    }

    /// <summary>The model bundle directory the CLI will load ($LMZ_MODEL_DIR, else models/lm beside it).</summary>
    public string ModelDirectory =>
        Environment.GetEnvironmentVariable(LmzModelBundle.DirectoryVariable) is { Length: > 0 } dir ? dir : Path.Combine(Directory, "models", "lm");
}
