using System.Reflection;

namespace Lmz.Cli;

/// <summary>Checks the settings as a whole, then runs every input through a <see cref="FileJob"/> or the lister.</summary>
public sealed class CliRunner(CliSettings settings, CliConsole console)
{
    private readonly Diagnostics _diagnostics = new(console.Error, settings.Quiet, console.Name);

    public int Run()
    {
        if (settings.ShowVersion)
        {
            console.Out.WriteLine($"{console.Name} {Version}");
            if (settings.Verbose) ListBundles();
            return _diagnostics.ExitCode;
        }
        if (settings.Recursive && settings.Output != null) return LmzCli.UsageError(console, "--output cannot be used with --recursive");
        var inputs = settings.Recursive ? new TreeWalker(settings.Mode, _diagnostics).Expand(settings.Inputs) : settings.Inputs;
        if (UsageError(inputs) is { } usage) return LmzCli.UsageError(console, usage);
        if (TerminalError(inputs) is { } terminal)
        {
            _diagnostics.Error(terminal);
            return _diagnostics.ExitCode;
        }
        try
        {
            if (settings.Mode == CliMode.List) new ContainerLister(settings, inputs, console, _diagnostics).Run();
            else
            {
                if (settings.Verbose && settings.Mode == CliMode.Compress) ReportLoweredThreads();
                var job = new FileJob(settings, console, _diagnostics);
                foreach (var input in inputs) job.Run(input);
            }
        }
        catch (OperationCanceledException) when (console.Interrupt.IsCancellationRequested)
        {
            console.Error.WriteLine($"{console.Name}: interrupted");
            return Diagnostics.InterruptedCode;
        }
        return _diagnostics.ExitCode;
    }

    /// <summary>
    /// -vV: each installed model bundle's fingerprint and folder, in the order decoding searches
    /// them, marking the one that compresses; a folder that does not load is an error.
    /// </summary>
    private void ListBundles()
    {
        string compressing = Path.GetFullPath(settings.ModelDirectory ?? LmzModelBundle.DefaultDirectory());
        var extra = settings.ModelDirectories;
        if (extra is [var missing] && !Directory.Exists(missing)) _diagnostics.Error(missing, "No such file or directory");
        console.Out.WriteLine("model bundles (a compressed file names its bundle by fingerprint; searched in this order):");
        foreach (var directory in LmzModelBundle.InstalledDirectories(extra))
        {
            try
            {
                using var bundle = LmzModelBundle.Load(directory);
                string full = Path.GetFullPath(directory);
                console.Out.WriteLine($"  {bundle.FingerprintHex}  {full}{(full == compressing ? "  (compresses)" : "")}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                _diagnostics.Error($"{directory}: {e.Message}");
            }
        }
    }

    /// <summary>-v: says so when the library will code fewer chunks at once than -T asks, for want of memory.</summary>
    private void ReportLoweredThreads()
    {
        var options = settings.CompressionOptions();
        int threads = options.EffectiveThreads;
        if (threads >= options.Threads) return;
        string available = ProgressBar.Bytes(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        console.Error.WriteLine($"{console.Name}: -T {options.Threads} lowered to {threads}: coding {options.Threads} chunks at once at -{settings.Level} would need more than the {available} this process may use");
    }

    public static string Version =>
        typeof(CliRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>A mistake in the command line as a whole; <paramref name="inputs"/> are the files after -r.</summary>
    private string? UsageError(IReadOnlyList<string> inputs)
    {
        if (settings.Levels.Count > 1)
            return $"only one compression level may be given (got {string.Join(" and ", settings.Levels.Select(l => $"-{l}"))})";
        if (settings.Threads < 0) return $"invalid thread count {settings.Threads} (use 0 for all cores)";
        if (settings.ChunkSize is < LmzCompressionOptions.MinChunkSize or > LmzCompressionOptions.MaxChunkSize)
            return $"chunk size must be {LmzCompressionOptions.MinChunkSize}..{LmzCompressionOptions.MaxChunkSize} bytes";
        if (settings.SegmentSize is < Segments.MinSize or > Segments.MaxSize)
            return $"segment size must be {Segments.MinSize}..{Segments.MaxSize} bytes";
        if (settings.Keep && settings.RemoveSource) return "--keep and --rm cannot be used together";
        if (settings.Output != null)
        {
            if (settings.ToStdout) return "--output and --stdout cannot be used together";
            if (settings.Mode is CliMode.Test or CliMode.List) return "--output cannot be used with --test or --list";
            if (inputs.Count != 1) return "--output needs exactly one input file";
            if (settings.Output == CliSettings.StdinName) return "use -c to write to standard output";
        }
        if (settings.Mode == CliMode.Compress && settings.ToStdout && inputs.Count > 1)
            return "-c writes one container; compress several files one at a time";
        if (inputs.Count(f => f == CliSettings.StdinName) > 1) return "standard input can only be read once";
        return null;
    }

    private string? TerminalError(IReadOnlyList<string> inputs)
    {
        if (settings.Force) return null;
        bool readsStdin = inputs.Contains(CliSettings.StdinName);
        if (settings.Mode != CliMode.Compress && readsStdin && console.StdinIsTerminal)
            return "compressed data not read from a terminal. Use -f to force.";
        bool writesStdout = settings.ToStdout || (readsStdin && settings.Output == null);
        if (settings.Mode == CliMode.Compress && writesStdout && console.StdoutIsTerminal)
            return "compressed data not written to a terminal. Use -f to force.";
        return null;
    }
}
