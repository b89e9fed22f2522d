using System.Runtime.InteropServices;

namespace Lmz.Cli;

/// <summary>Process entry point: wires the real console and Ctrl+C into <see cref="LmzCli"/>.</summary>
public static class Program
{
    public static int Main(string[] args) => Run("lmz", console => LmzCli.Run(args, console));

    /// <summary>
    /// Runs a command (lmz, or lmz-cluster) on the process's console: the first SIGINT or SIGTERM cancels
    /// the work (temp files get removed); a second one kills the process.
    /// </summary>
    public static int Run(string name, Func<CliConsole, int> command)
    {
        using var interrupt = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, interrupt));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, interrupt));
        var console = CliConsole.FromProcess(interrupt.Token, name);
        try
        {
            return command(console);
        }
        finally
        {
            console.Out.Flush();
            console.Stdout.Flush();
        }
    }

    private static void OnSignal(PosixSignalContext context, CancellationTokenSource interrupt)
    {
        if (interrupt.IsCancellationRequested) return;
        context.Cancel = true;
        interrupt.Cancel();
    }
}
