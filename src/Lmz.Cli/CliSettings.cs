namespace Lmz.Cli;

public enum CliMode { Compress, Decompress, Test, List }

/// <summary>Everything the command line asked for, after parsing (not yet validated).</summary>
public sealed record CliSettings
{
    public const string Suffix = ".lmz";
    public const string StdinName = "-";

    public CliMode Mode { get; init; }
    public IReadOnlyList<string> Files { get; init; } = [];
    public IReadOnlyList<int> Levels { get; init; } = [];
    public int Level => Levels.Count == 1 ? Levels[0] : LmzCompressionOptions.DefaultLevel;
    public int Threads { get; init; }
    /// <summary>Null: the level's default chunk size.</summary>
    public int? ChunkSize { get; init; }
    /// <summary>--segment-size: code each segment of this many bytes as its own member (null: one member).</summary>
    public int? SegmentSize { get; init; }
    /// <summary>Where the coding runs: this process, or lmz-cluster's workers.</summary>
    public IFileCodec Codec { get; init; } = LocalCodec.Instance;
    public string? Output { get; init; }
    public Network.NetworkEngineKind Engine { get; init; }
    /// <summary>--model-dir: the bundle to compress with, and a place to look for a file's bundle.</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>The places --model-dir adds to the search for a file's bundle.</summary>
    public IReadOnlyList<string> ModelDirectories => ModelDirectory is { } dir ? [dir] : [];

    private readonly Lazy<LmzModelBundle?> _bundle;

    public CliSettings() => _bundle = new(() => ModelDirectory == null ? null : LmzModelBundle.Load(ModelDirectory));

    /// <summary>The bundle of --model-dir, loaded (and fingerprinted) once for all files.</summary>
    public LmzModelBundle? Bundle => _bundle.Value;
    public bool ToStdout { get; init; }
    /// <summary>-r: directories among the files stand for the regular files below them.</summary>
    public bool Recursive { get; init; }
    public bool Force { get; init; }
    public bool Keep { get; init; }
    public bool RemoveSource { get; init; }
    public bool Verbose { get; init; }
    public bool Quiet { get; init; }
    public bool NoProgress { get; init; }
    public bool ShowVersion { get; init; }

    /// <summary>The inputs, with "no files" meaning stdin.</summary>
    public IReadOnlyList<string> Inputs => Files.Count == 0 ? [StdinName] : Files;

    public int EffectiveThreads => Threads == 0 ? Environment.ProcessorCount : Threads;

    /// <summary>The compression options these settings name, before the bundle is loaded and a progress bar drawn.</summary>
    public LmzCompressionOptions CompressionOptions() =>
        new() { Level = Level, Threads = EffectiveThreads, ChunkSize = ChunkSize, Engine = Engine };
}
