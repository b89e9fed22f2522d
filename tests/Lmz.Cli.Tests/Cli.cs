using System.Text;

namespace Lmz.Cli.Tests;

/// <summary>What one run of the CLI produced.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error, byte[] Stdout)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Error}";
}

/// <summary>Runs the CLI in-process through <see cref="LmzCli.Run(string[], CliConsole)"/>.</summary>
public static class Cli
{
    public static CliResult Run(params string[] args) => Run(args, stdin: null);

    public static CliResult Run(string[] args, byte[]? stdin = null, bool stdinIsTerminal = false, bool stdoutIsTerminal = false,
        bool stderrIsTerminal = false, CancellationToken interrupt = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var stdout = new MemoryStream();
        int code = LmzCli.Run(args, new CliConsole
        {
            Out = output,
            Error = error,
            Stdin = new MemoryStream(stdin ?? []),
            Stdout = stdout,
            StdinIsTerminal = stdinIsTerminal,
            StdoutIsTerminal = stdoutIsTerminal,
            StderrIsTerminal = stderrIsTerminal,
            Interrupt = interrupt,
        });
        return new CliResult(code, output.ToString(), error.ToString(), stdout.ToArray());
    }

    /// <summary>Runs and asserts the exit code, showing the CLI's output when it differs.</summary>
    public static CliResult Expect(int exitCode, params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode} for lmz {string.Join(' ', args)}\n{result}");
        return result;
    }

    public static byte[] Decompress(string path) => LmzCompressor.Decompress(File.ReadAllBytes(path));

    public static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
