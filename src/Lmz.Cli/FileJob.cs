using System.Diagnostics;

namespace Lmz.Cli;

/// <summary>Compresses, decompresses or tests one input, gzip-style; reports failures to <see cref="Diagnostics"/>.</summary>
public sealed class FileJob(CliSettings settings, CliConsole console, Diagnostics diagnostics)
{
    private enum Sink { File, Stdout, Nowhere }

    private bool Compressing => settings.Mode == CliMode.Compress;

    /// <summary>Handles <paramref name="input"/> ("-" = stdin); lets only an interrupt escape.</summary>
    public void Run(string input)
    {
        bool isStdin = input == CliSettings.StdinName;
        string display = isStdin ? "(stdin)" : input;
        try
        {
            if (!isStdin && !CheckInput(input)) return;
            var (sink, target) = ChooseOutput(input, isStdin);
            if (sink == null) return;
            if (target != null && !CheckTarget(input, isStdin, target)) return;
            Process(input, isStdin, display, sink.Value, target);
        }
        catch (Exception exception) when (console.Interrupt.IsCancellationRequested && Diagnostics.Unwrap(exception) is OperationCanceledException)
        {
            throw new OperationCanceledException(console.Interrupt);
        }
        catch (Exception exception) when (Diagnostics.Unwrap(exception) is OutputException failed)
        {
            // As gzip: a failed write names the output, not the input (the temporary file is gone by now).
            diagnostics.Error(failed.Output, failed.Reason);
        }
        catch (Exception exception)
        {
            diagnostics.Error(display, Diagnostics.Reason(exception));
        }
    }

    private bool CheckInput(string input)
    {
        if (Directory.Exists(input))
        {
            diagnostics.Warning(input, "is a directory -- ignored");
            return false;
        }
        if (!File.Exists(input))
        {
            diagnostics.Error(input, "No such file or directory");
            return false;
        }
        return true;
    }

    /// <summary>Where the result goes; (null, null) after a warning means "skip this input".</summary>
    private (Sink? Sink, string? Target) ChooseOutput(string input, bool isStdin)
    {
        if (settings.Mode == CliMode.Test) return (Sink.Nowhere, null);
        if (settings.ToStdout) return (Sink.Stdout, null);
        if (settings.Output != null) return (Sink.File, settings.Output);
        if (isStdin) return (Sink.Stdout, null);
        bool hasSuffix = input.EndsWith(CliSettings.Suffix, StringComparison.Ordinal) && Path.GetFileName(input).Length > CliSettings.Suffix.Length;
        if (Compressing)
        {
            if (!hasSuffix) return (Sink.File, input + CliSettings.Suffix);
            diagnostics.Warning(input, $"already has {CliSettings.Suffix} suffix -- unchanged");
            return (null, null);
        }
        if (hasSuffix) return (Sink.File, input[..^CliSettings.Suffix.Length]);
        diagnostics.Warning(input, "unknown suffix -- ignored");
        return (null, null);
    }

    private bool CheckTarget(string input, bool isStdin, string target)
    {
        if (!isStdin && Path.GetFullPath(input) == Path.GetFullPath(target))
        {
            diagnostics.Error(input, "input and output are the same file");
            return false;
        }
        if ((File.Exists(target) || Directory.Exists(target)) && !settings.Force)
        {
            diagnostics.Error(target, "already exists; use -f to overwrite");
            return false;
        }
        return true;
    }

    private void Process(string input, bool isStdin, string display, Sink sink, string? target)
    {
        var clock = Stopwatch.StartNew();
        using var source = isStdin ? null : new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var reader = new CountingStream(source ?? console.Stdin);
        using var output = target != null ? AtomicFile.Create(target, settings.Force) : null;
        var writer = new CountingStream(output?.Stream ?? (sink == Sink.Stdout ? new NamedOutputStream(console.Stdout, "stdout") : Stream.Null));
        using (var progress = ProgressBar.Create(settings, console, display, source?.Length, decompressing: !Compressing))
        {
            if (Compressing) settings.Codec.Compress(reader, writer, settings, progress, console.Interrupt);
            else settings.Codec.Decompress(reader, writer, settings, progress, console.Interrupt);
            writer.Flush();
        }
        source?.Dispose();
        output?.Commit(isStdin ? null : input);
        if (output != null && settings.RemoveSource && !isStdin) File.Delete(input);
        if (settings.Verbose) ReportDone(display, reader.BytesRead, writer.BytesWritten, clock.Elapsed);
    }

    private void ReportDone(string display, long read, long written, TimeSpan elapsed)
    {
        var (plain, packed) = Compressing ? (read, written) : (written, read);
        double ratio = plain == 0 ? 0 : 100.0 * packed / plain;
        double bitsPerByte = plain == 0 ? 0 : 8.0 * packed / plain;
        string sizes = Compressing ? $"{plain} -> {packed}" : $"{packed} -> {plain}";
        string status = settings.Mode == CliMode.Test ? "OK, " : "";
        console.Error.WriteLine($"{display}: {status}{ratio:F1}% ({sizes} bytes, {bitsPerByte:F3} bpb) in {elapsed.TotalSeconds:F2} s");
    }
}
