namespace Lmz.Cli;

/// <summary>The streams and terminal facts the CLI works with; tests build one around memory streams.</summary>
public sealed class CliConsole
{
    /// <summary>Text output (the -l table, --help, --version).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>The command's name, which starts every message: lmz, or lmz-cluster.</summary>
    public string Name { get; init; } = "lmz";

    /// <summary>Diagnostics, -v lines and the progress bar.</summary>
    public required TextWriter Error { get; init; }

    public required Stream Stdin { get; init; }

    /// <summary>Binary output for -c and stdin-to-stdout.</summary>
    public required Stream Stdout { get; init; }

    public bool StdinIsTerminal { get; init; }

    public bool StdoutIsTerminal { get; init; }

    public bool StderrIsTerminal { get; init; }

    /// <summary>Cancelled by Ctrl+C.</summary>
    public CancellationToken Interrupt { get; init; }

    public static CliConsole FromProcess(CancellationToken interrupt, string name = "lmz") => new()
    {
        Name = name,
        Out = Console.Out,
        Error = Console.Error,
        Stdin = Console.OpenStandardInput(),
        Stdout = Console.OpenStandardOutput(),
        StdinIsTerminal = !Console.IsInputRedirected,
        StdoutIsTerminal = !Console.IsOutputRedirected,
        StderrIsTerminal = !Console.IsErrorRedirected,
        Interrupt = interrupt,
    };
}
