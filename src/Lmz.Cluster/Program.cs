using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Lmz.Cli;

namespace Lmz.Cluster;

/// <summary>
/// lmz-cluster: `worker` runs a worker, `status` lists them, and anything else is lmz's own command line
/// (-c, -d, -o, -k, --rm, levels, -v, ...) coded by the cluster's workers (docs/CLUSTER.md).
/// </summary>
public static class Program
{
    public const string Name = "lmz-cluster";

    public static int Main(string[] args) => Cli.Program.Run(Name, console => args switch
    {
        ["worker" or "status", ..] => RunSubcommand(args, console),
        _ => LmzCli.Run(args, console, ClientOptions.Extension(console)),
    });

    /// <summary>`worker` and `status`, parsed as lmz parses: a mistake is one line and exit 1.</summary>
    private static int RunSubcommand(string[] args, CliConsole console)
    {
        var root = new Command(Name, "Compress on many machines: lmz-cluster [lmz options] FILE, or a subcommand");
        root.Subcommands.Add(WorkerCommand.Create(console));
        root.Subcommands.Add(StatusCommand.Create(console));
        foreach (var command in root.Subcommands) command.Options.Add(new HelpOption());
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Action is ParseErrorAction)
            return LmzCli.UsageError(console, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return parsed.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, ProcessTerminationTimeout = null });
    }
}
