using System.Diagnostics;
using System.Text;

namespace Lmz.Bench.Corpus;

/// <summary>One command to run: argv, where its standard output goes, and its working directory.</summary>
public sealed record Invocation(IReadOnlyList<string> Argv, string StdoutPath, string WorkingDirectory);

/// <summary>What a finished child reported: exit code, wall time, peak resident set size (KiB, -1 if unknown).</summary>
public sealed record ChildResult(int ExitCode, double Seconds, long PeakRssKib, string Stderr);

/// <summary>
/// Runs compressors as child processes. Standard output goes straight to a file through
/// <c>/bin/sh -c 'exec "$@" &gt; OUT'</c> (no pipe through this process), standard input is /dev/null.
/// Peak memory is the child's maximum RSS from GNU time (<c>/usr/bin/time -f %M</c>) when installed,
/// else VmHWM from /proc/PID/status polled every few milliseconds (which can miss a final spike).
/// </summary>
public static class ChildProcess
{
    public const string GnuTime = "/usr/bin/time";

    private const string RedirectScript = "out=$1; shift; exec \"$@\" > \"$out\" < /dev/null";

    public static bool HasGnuTime { get; } = File.Exists(GnuTime) && ProbeGnuTime();

    public static string MemorySource => HasGnuTime
        ? "GNU time (`/usr/bin/time -f %M`, the child's maximum RSS)"
        : "VmHWM of /proc/PID/status polled every 5 ms (GNU time not installed)";

    public static ChildResult Run(Invocation invocation, string scratchDirectory)
    {
        string? memoryFile = HasGnuTime ? Path.Combine(scratchDirectory, $"rss-{Guid.NewGuid():N}.txt") : null;
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            WorkingDirectory = invocation.WorkingDirectory,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(RedirectScript);
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(invocation.StdoutPath);
        if (memoryFile != null)
        {
            foreach (var a in new[] { GnuTime, "-f", "%M", "-o", memoryFile }) psi.ArgumentList.Add(a);
        }
        foreach (var a in invocation.Argv) psi.ArgumentList.Add(a);

        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stderr) if (stderr.Length < 8192) stderr.AppendLine(e.Data);
        };
        var sw = Stopwatch.StartNew();
        process.Start();
        process.BeginErrorReadLine();
        long polled = -1;
        if (memoryFile == null)
        {
            while (!process.WaitForExit(5)) polled = Math.Max(polled, ReadVmHwm(process.Id));
        }
        process.WaitForExit();
        double seconds = sw.Elapsed.TotalSeconds;
        long rss = memoryFile != null ? ReadTimeOutput(memoryFile) : polled;
        string err;
        lock (stderr) err = stderr.ToString();
        return new ChildResult(process.ExitCode, seconds, rss, err);
    }

    /// <summary>GNU time writes "%M" as the last line (after "Command exited with non-zero status N" on failure).</summary>
    private static long ReadTimeOutput(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
            File.Delete(path);
            return lines.Count > 0 && long.TryParse(lines[^1].Trim(), out long kib) ? kib : -1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static long ReadVmHwm(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended between the exit check and the read.
        }
        return -1;
    }

    private static bool ProbeGnuTime()
    {
        try
        {
            var psi = new ProcessStartInfo(GnuTime) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("--version");
            using var p = Process.Start(psi)!;
            string text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return text.Contains("GNU", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Runs a command and returns its standard output and error (for version strings); null if it cannot start.</summary>
    public static string? Capture(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(10_000)) { p.Kill(true); return null; }
            return output.Result + error.Result;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The full path of an executable on PATH, or null.</summary>
    public static string? Which(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
