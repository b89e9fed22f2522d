using System.Runtime.InteropServices;

namespace Lmz.Bench.Corpus;

/// <summary>The machine and software a benchmark ran on, as label/value rows for the report.</summary>
public static class MachineInfo
{
    public static List<(string Label, string Value)> Collect(LmzLauncher? lmz)
    {
        var rows = new List<(string, string)>
        {
            ("CPU", CpuModel()),
            ("cores", $"{Environment.ProcessorCount} logical ({CpuCount()} in /proc/cpuinfo)"),
            ("memory", MemoryTotal()),
            ("OS", $"{OsName()}, kernel {ReadFirstLine("/proc/sys/kernel/osrelease") ?? "?"}"),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("ONNX Runtime", OnnxRuntimeVersion()),
            ("load average at start", LoadAverage()),
            ("lmz source", GitDescription()),
        };
        if (lmz != null)
        {
            rows.Add(("lmz CLI", lmz.Display));
            rows.Add(("lmz model bundle", ModelBundle(lmz)));
        }
        rows.Add(("peak memory from", ChildProcess.MemorySource));
        return rows;
    }

    /// <summary>A one-line summary for the README: CPU, cores, OS.</summary>
    public static string Summary(IEnumerable<(string Label, string Value)> rows)
    {
        var d = rows.ToDictionary(r => r.Label, r => r.Value);
        return $"{d.GetValueOrDefault("CPU", "?")}, {Environment.ProcessorCount} cores; {d.GetValueOrDefault("OS", "?")}; {d.GetValueOrDefault(".NET", "?")}";
    }

    public static string LoadAverage() => ReadFirstLine("/proc/loadavg") is { } l ? string.Join(' ', l.Split(' ').Take(3)) : "?";

    private static string CpuModel() =>
        ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? RuntimeInformation.ProcessArchitecture.ToString();

    private static int CpuCount() => ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal));

    private static string MemoryTotal()
    {
        var line = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line == null || !long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out long kib)) return "?";
        return $"{kib / 1024.0 / 1024.0:F1} GiB";
    }

    private static string OsName()
    {
        var line = ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
    }

    private static string OnnxRuntimeVersion()
    {
        try
        {
            return Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return $"unavailable ({e.GetType().Name})";
        }
    }

    /// <summary>The commit of the work tree and whether tracked files differ from it (read-only git calls).</summary>
    private static string GitDescription()
    {
        string? head = ChildProcess.Capture("git", "-C", RepoPaths.Root, "--no-optional-locks", "rev-parse", "--short=12", "HEAD")?.Trim();
        if (string.IsNullOrEmpty(head) || head.Contains(' ')) return "not a git work tree";
        string? status = ChildProcess.Capture("git", "-C", RepoPaths.Root, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no", "--", "src");
        return string.IsNullOrWhiteSpace(status) ? $"commit {head}" : $"commit {head} with uncommitted changes in src/";
    }

    private static string ModelBundle(LmzLauncher lmz)
    {
        try
        {
            using var bundle = LmzModelBundle.Load(lmz.ModelDirectory);
            return $"{RepoPaths.Display(lmz.ModelDirectory)}, fingerprint {bundle.FingerprintHex}, " +
                (bundle.HasTransformer ? "with transformer" : $"no transformer ({LmzModelBundle.NetworkFile} absent: levels 4-9 use the online predictors only)");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
        {
            return $"{RepoPaths.Display(lmz.ModelDirectory)}: {e.Message}";
        }
    }

    /// <summary>Whether the CLI's bundle has a transformer (null if it cannot be read).</summary>
    public static bool? HasTransformer(LmzLauncher lmz)
    {
        try
        {
            using var bundle = LmzModelBundle.Load(lmz.ModelDirectory);
            return bundle.HasTransformer;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
        {
            return null;
        }
    }

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];

    private static string? ReadFirstLine(string path) => File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
}
