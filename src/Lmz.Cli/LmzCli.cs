using System.CommandLine;
using System.CommandLine.Invocation;

namespace Lmz.Cli;

/// <summary>The whole CLI as a function of arguments and streams, so tests can run it in-process.</summary>
public static class LmzCli
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Stream stdin, Stream stdoutStream) =>
        Run(args, new CliConsole { Out = stdout, Error = stderr, Stdin = stdin, Stdout = stdoutStream });

    public static int Run(string[] args, CliConsole console)
    {
        var command = new LmzCommand(settings => new CliRunner(settings, console).Run());
        // No @response files: a file may well be called "@notes".
        var parseResult = command.Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors) console.Error.WriteLine($"lmz: {error.Message}");
            console.Error.WriteLine("Try 'lmz --help' for more information.");
            return Diagnostics.ErrorCode;
        }
        return parseResult.Invoke(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = null,
        });
    }
}
