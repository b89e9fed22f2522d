using System.CommandLine;
using System.CommandLine.Invocation;

namespace Lmz.Cli;

/// <summary>The whole CLI as a function of arguments and streams, so tests can run it in-process.</summary>
public static class LmzCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Stream stdin, Stream stdoutStream) =>
        Run(args, new CliConsole { Out = stdout, Error = stderr, Stdin = stdin, Stdout = stdoutStream });

    public static int Run(string[] args, CliConsole console, CommandExtension? extension = null)
    {
        var command = new LmzCommand(settings => new CliRunner(settings, console).Run(), console, extension);
        // No @response files: a file may well be called "@notes".
        var parseResult = command.Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Action is ParseErrorAction)
        {
            return UsageError(console, string.Join(Environment.NewLine + console.Name + ": ", parseResult.Errors.Select(e => e.Message)));
        }
        return parseResult.Invoke(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = null,
        });
    }

    /// <summary>A command-line mistake: one "lmz: ..." line, a pointer to --help, exit 1.</summary>
    public static int UsageError(CliConsole console, string message)
    {
        console.Error.WriteLine($"{console.Name}: {message}");
        console.Error.WriteLine($"Try '{console.Name} --help' for more information.");
        return Diagnostics.ErrorCode;
    }
}
