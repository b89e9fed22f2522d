using System.Runtime.InteropServices;

namespace Lmz.Cli;

/// <summary>Process entry point: wires the real console and Ctrl+C into <see cref="LmzCli"/>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, interrupt));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, interrupt));
        var console = CliConsole.FromProcess(interrupt.Token);
        try
        {
            return LmzCli.Run(args, console);
        }
        finally
        {
            console.Out.Flush();
            console.Stdout.Flush();
        }
    }

    /// <summary>The first signal cancels the work (temp files get removed); a second one kills the process.</summary>
    private static void OnSignal(PosixSignalContext context, CancellationTokenSource interrupt)
    {
        if (interrupt.IsCancellationRequested) return;
        context.Cancel = true;
        interrupt.Cancel();
    }
}
