using System.Globalization;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

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
    private readonly Option<bool> _recursive = new("--recursive", "-r") { Description = "Operate on every regular file below the directories given" };
    private readonly Option<int> _threads = new("--threads", "-T")
    {
        Description = "Use N threads (0 = all cores)",
        HelpName = "N",
        DefaultValueFactory = _ => 0,
        CustomParser = WholeNumber,
    };
    // Like xz --block-size: smaller chunks run as more streams in parallel, larger ones share more history.
    private readonly Option<int?> _chunkSize = new("--chunk-size")
    {
        Description = $"Chunk size in bytes, {LmzCompressionOptions.MinChunkSize}..{LmzCompressionOptions.MaxChunkSize} " +
            $"(default {LmzCompressionOptions.DefaultChunkSize}); smaller is faster but compresses less",
        HelpName = "BYTES",
        CustomParser = result => WholeNumber(result),
    };

    // Like pigz/zstd -T with xz --block-size: each segment is its own member, so segments can be coded apart
    // (on other machines with lmz-cluster) and joined; 0 or absent means one member.
    private readonly Option<int?> _segmentSize = new("--segment-size")
    {
        Description = $"Code each BYTES of input (K, M, G suffixes: KiB, MiB, GiB) as its own member, {Segments.MinSize}..{Segments.MaxSize}; " +
            $"the layout lmz-cluster writes (its default: {Segments.DefaultSize >> 20}M)",
        HelpName = "BYTES",
        CustomParser = result => ByteCount(result),
    };

    /// <summary>A byte count such as 4096, 64K, 4M or 1G (powers of 1024), or an error naming the option.</summary>
    public static int ByteCount(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        string digits = text.TrimEnd('B', 'b', 'i');
        int shift = digits.Length == 0 ? 0 : char.ToUpperInvariant(digits[^1]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
        if (shift > 0) digits = digits[..^1];
        else if (digits.Length != text.Length) digits = "";
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value <= int.MaxValue >> shift) return (int)(value << shift);
        string name = result.Parent is OptionResult option ? option.Option.Name : "option";
        result.AddError($"{name}: '{text}' is not a byte count (such as 65536, 64K or 4M)");
        return 0;
    }

    /// <summary>An integer option's value, or an error that names the option and the text (not a CLR type).</summary>
    private static int WholeNumber(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)) return value;
        string name = result.Parent is OptionResult option ? option.Option.Name : "option";
        result.AddError($"{name}: '{text}' is not a whole number");
        return 0;
    }
    private readonly Option<string> _engine = CreateEngineOption();
    private readonly Option<string?> _modelDir = new("--model-dir")
    {
        Description = "Compress with the model bundle in DIR; when decompressing, also look there (and in its folders) for the file's bundle",
        HelpName = "DIR",
    };

    private static Option<string> CreateEngineOption()
    {
        var option = new Option<string>("--engine")
        {
            Description = "Engine of the integer network (levels 4-8): native (lmz's kernels) or onnxruntime; both give identical files",
            HelpName = "ENGINE",
            DefaultValueFactory = _ => "native",
        };
        option.AcceptOnlyFromAmong("native", "onnxruntime");
        return option;
    }

    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Print sizes and timing per file" };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Suppress warnings" };
    private readonly Option<bool> _noProgress = new("--no-progress") { Description = "Do not show a progress bar" };
    private readonly Option<bool> _version = new("--version", "-V") { Description = "Print the version and exit" };
    private readonly Option<bool>[] _levels = Enumerable.Range(LmzCompressionOptions.MinLevel, LmzCompressionOptions.MaxLevel - LmzCompressionOptions.MinLevel + 1)
        .Select(level => new Option<bool>($"-{level}") { Hidden = true })
        .ToArray();
    private readonly Argument<string[]> _files = new("FILE")
    {
        Description = "Files to process; none or - means standard input",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly CommandExtension? _extension;

    public LmzCommand(Func<CliSettings, int> run, CliConsole console, CommandExtension? extension = null)
    {
        _extension = extension;
        // A plain Command rather than RootCommand: RootCommand names itself after the assembly (Lmz.Cli) and
        // adds [directives] that would swallow file names like "[draft].txt".
        Root = new Command(extension?.Name ?? "lmz", extension?.Description ?? "Lossless compression with a language model (like gzip: FILE -> FILE.lmz)");
        Root.Options.Add(new HelpOption());
        Option[] options = [_decompress, _stdout, _output, _keep, _rm, _force, _test, _list, _recursive, .. _levels, _threads, _chunkSize, _segmentSize, _engine, _modelDir, _verbose, _quiet, _noProgress, _version];
        foreach (var option in options.Concat(extension?.Options ?? [])) Root.Options.Add(option);
        Root.Arguments.Add(_files);
        ShowLevelsAsOneLine(console.Out);
        Root.SetAction(parseResult =>
        {
            if (UnrecognizedOption(parseResult) is not { } unknown) return run(Read(parseResult));
            return LmzCli.UsageError(console, $"unrecognized option '{unknown}'");
        });
    }

    public Command Root { get; }

    /// <summary>The nine level options stay hidden; the help ends with one line that explains them.</summary>
    private void ShowLevelsAsOneLine(TextWriter output)
    {
        var help = Root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction standard) help.Action = new LevelsHelpAction(standard, output);
    }

    /// <summary>
    /// The parser hands unknown "-x" tokens to the FILE argument; only "-" and anything after "--" are file names.
    /// </summary>
    private string? UnrecognizedOption(ParseResult result)
    {
        var fileTokens = new HashSet<Token>(result.GetResult(_files)?.Tokens ?? [], ReferenceEqualityComparer.Instance);
        foreach (var token in result.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) return null;
            if (fileTokens.Contains(token) && token.Value.StartsWith('-') && token.Value != CliSettings.StdinName) return token.Value;
        }
        return null;
    }

    private CliSettings Read(ParseResult result)
    {
        var mode = result.GetValue(_list) ? CliMode.List
            : result.GetValue(_test) ? CliMode.Test
            : result.GetValue(_decompress) ? CliMode.Decompress
            : CliMode.Compress;
        var settings = new CliSettings
        {
            Mode = mode,
            Files = result.GetValue(_files) ?? [],
            Levels = _levels.Select((option, i) => (option, level: LmzCompressionOptions.MinLevel + i)).Where(x => result.GetValue(x.option)).Select(x => x.level).ToList(),
            Threads = result.GetValue(_threads),
            ChunkSize = result.GetValue(_chunkSize),
            SegmentSize = result.GetValue(_segmentSize),
            Engine = result.GetValue(_engine) == "onnxruntime" ? Network.NetworkEngineKind.OnnxRuntime : Network.NetworkEngineKind.Native,
            ModelDirectory = result.GetValue(_modelDir),
            Output = result.GetValue(_output),
            ToStdout = result.GetValue(_stdout),
            Recursive = result.GetValue(_recursive),
            Force = result.GetValue(_force),
            Keep = result.GetValue(_keep),
            RemoveSource = result.GetValue(_rm),
            Verbose = result.GetValue(_verbose),
            Quiet = result.GetValue(_quiet),
            NoProgress = result.GetValue(_noProgress),
            ShowVersion = result.GetValue(_version),
        };
        return _extension == null ? settings : _extension.Apply(result, settings);
    }

    /// <summary>System.CommandLine 2.0.0 keeps its HelpBuilder internal, so the levels line is appended after the standard help.</summary>
    private sealed class LevelsHelpAction(HelpAction standard, TextWriter output) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            int code = standard.Invoke(parseResult);
            output.WriteLine($"Levels (-1 .. -9, default -{LmzCompressionOptions.DefaultLevel}):");
            for (int level = LmzCompressionOptions.MinLevel; level <= LmzCompressionOptions.MaxLevel; level++) output.WriteLine($"  -{level}  {LmzCompressionOptions.LevelSummary(level)}");
            output.WriteLine();
            return code;
        }
    }
}
