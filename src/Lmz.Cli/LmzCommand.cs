using System.CommandLine;
using System.CommandLine.Help;

namespace Lmz.Cli;

/// <summary>The command-line grammar: options, the FILE arguments and the help text.</summary>
public sealed class LmzCommand
{
    private readonly Option<bool> _decompress = new("--decompress", "-d") { Description = "Decompress FILE.lmz to FILE" };
    private readonly Option<bool> _stdout = new("--stdout", "-c") { Description = "Write to standard output; keep input files" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Write to FILE (one input only)", HelpName = "FILE" };
    private readonly Option<bool> _keep = new("--keep", "-k") { Description = "Keep input files (the default)" };
    private readonly Option<bool> _rm = new("--rm") { Description = "Remove input files after success" };
    private readonly Option<bool> _force = new("--force", "-f") { Description = "Overwrite existing outputs; allow binary data on a terminal" };
    private readonly Option<bool> _test = new("--test", "-t") { Description = "Test compressed files' integrity" };
    private readonly Option<bool> _list = new("--list", "-l") { Description = "List compressed files' contents (-v: per chunk)" };
    private readonly Option<int> _threads = new("--threads", "-T")
    {
        Description = "Use N threads (0 = all cores, the default)",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
    };
    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Print sizes and timing per file" };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Suppress warnings" };
    private readonly Option<bool> _noProgress = new("--no-progress") { Description = "Do not show a progress bar" };
    private readonly Option<bool> _version = new("--version", "-V") { Description = "Print the version and exit" };
    private readonly Option<bool>[] _levels = Enumerable.Range(LmzCompressionOptions.MinLevel, LmzCompressionOptions.MaxLevel - LmzCompressionOptions.MinLevel + 1)
        .Select(level => new Option<bool>($"-{level}") { Hidden = level != LmzCompressionOptions.MinLevel })
        .ToArray();
    private readonly Argument<string[]> _files = new("FILE")
    {
        Description = "Files to process; none or - means standard input",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public LmzCommand(Func<CliSettings, int> run)
    {
        Root = new RootCommand("lmz: lossless compression with a language model (like gzip: FILE -> FILE.lmz)");
        Root.Directives.Clear();
        foreach (var version in Root.Options.OfType<VersionOption>().ToList()) Root.Options.Remove(version);
        Option[] options = [_decompress, _stdout, _output, _keep, _rm, _force, _test, _list, .. _levels, _threads, _verbose, _quiet, _noProgress, _version];
        foreach (var option in options) Root.Options.Add(option);
        Root.Arguments.Add(_files);
        ShowLevelsAsOneLine();
        Root.SetAction(parseResult => run(Read(parseResult)));
    }

    public RootCommand Root { get; }

    /// <summary>-1 stands for all nine level options in the help; -2..-9 are hidden.</summary>
    private void ShowLevelsAsOneLine()
    {
        var help = Root.Options.OfType<HelpOption>().Single();
        if (help.Action is not HelpAction action) return;
        action.Builder.CustomizeSymbol(_levels[0], firstColumnText: "-1 .. -9",
            secondColumnText: "Compression level: 1-3 fast (online predictors only), 4-9 with the transformer [default: 6]");
    }

    private CliSettings Read(ParseResult result)
    {
        var mode = result.GetValue(_list) ? CliMode.List
            : result.GetValue(_test) ? CliMode.Test
            : result.GetValue(_decompress) ? CliMode.Decompress
            : CliMode.Compress;
        return new CliSettings
        {
            Mode = mode,
            Files = result.GetValue(_files) ?? [],
            Levels = _levels.Select((option, i) => (option, level: LmzCompressionOptions.MinLevel + i)).Where(x => result.GetValue(x.option)).Select(x => x.level).ToList(),
            Threads = result.GetValue(_threads),
            Output = result.GetValue(_output),
            ToStdout = result.GetValue(_stdout),
            Force = result.GetValue(_force),
            Keep = result.GetValue(_keep),
            RemoveSource = result.GetValue(_rm),
            Verbose = result.GetValue(_verbose),
            Quiet = result.GetValue(_quiet),
            NoProgress = result.GetValue(_noProgress),
            ShowVersion = result.GetValue(_version),
        };
    }
}
