using Lmz.Container;
using Lmz.Formats;
using Lmz.Network;
namespace Lmz;

/// <summary>Settings for compression. Every default is the measured best trade-off on the corpus.</summary>
public sealed record LmzCompressionOptions
{
    /// <summary>The smallest <see cref="ChunkSize"/> accepted (4 KiB).</summary>
    public const int MinChunkSize = Format.MinChunkSize;
    /// <summary>The largest <see cref="ChunkSize"/> accepted (64 MiB).</summary>
    public const int MaxChunkSize = Format.MaxChunkSize;
    /// <summary>The fastest level.</summary>
    public const int MinLevel = LevelProfile.MinLevel;
    /// <summary>The strongest and slowest level.</summary>
    public const int MaxLevel = LevelProfile.MaxLevel;

    /// <summary>1–3: online predictors only (fast); 4–9: the transformer ensemble (default 6).
    /// Higher levels inside each band use longer n-gram orders; see README "Levels".</summary>
    public int Level { get; init; } = DefaultLevel;

    /// <summary>The level used when none is given.</summary>
    public const int DefaultLevel = 6;

    /// <summary>Threads for chunks and network work; the output is identical for every value. Default: all cores.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Nominal chunk size in bytes; a chunk may end at a line break up to 4 KiB earlier. Null (the
    /// default) means <see cref="DefaultChunkSize"/>.
    /// </summary>
    public int? ChunkSize { get; init; }

    /// <summary>The chunk size in effect: <see cref="ChunkSize"/> or the level's default.</summary>
    public int EffectiveChunkSize => ChunkSize ?? DefaultChunkSize;

    /// <summary>
    /// The threads compression uses: <see cref="Threads"/>, lowered (to one at the least) where that
    /// many chunks coded at once would not fit in the memory this process may use, its physical
    /// memory or a container's limit (docs/THREADS.md). The output is the same either way.
    /// </summary>
    public int EffectiveThreads => ThreadBudget.Fit(Level, Threads, LongestChunk, ThreadBudget.AvailableBytes);

    /// <summary>The longest chunk written: with the default chunk size, binary runs merge up to the level's <see cref="LevelProfile.BinaryChunkBlocks"/> chunk sizes.</summary>
    internal int LongestChunk => ChunkSize == null
        ? Math.Min(Format.Current.MaxChunkLength(DefaultChunkSize), DefaultChunkSize * LevelProfile.For(Level).BinaryChunkBlocks)
        : EffectiveChunkSize;

    /// <summary>
    /// 1 MiB at every level. Measured on alice29.txt at level 6 (two threads): 64 KiB chunks, which
    /// let the transformer batch three streams, took as long (37.1 s vs 37.3 s) and cost 2.9% more
    /// bits (1.767 vs 1.717 bpb), because the online predictors relearn at every chunk.
    /// </summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>The model bundle; null loads the one shipped beside the library (models/lm).</summary>
    public LmzModelBundle? Model { get; init; }

    /// <summary>Receives bytes read and written after each group of chunks.</summary>
    public IProgress<LmzProgress>? Progress { get; init; }

    /// <summary>
    /// Which engine evaluates the integer network (levels 4–8). Both compute identical outputs, so
    /// the choice changes speed only; default <see cref="Network.NetworkEngineKind.Native"/>.
    /// </summary>
    public Network.NetworkEngineKind Engine { get; init; } = Network.NetworkEngineKind.Native;

    internal void Validate()
    {
        if (!LevelProfile.Exists(Level)) throw new ArgumentOutOfRangeException(nameof(Level), Level, $"level must be {MinLevel}..{MaxLevel}");
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be at least 1");
        if (EffectiveChunkSize is < MinChunkSize or > MaxChunkSize)
            throw new ArgumentOutOfRangeException(nameof(ChunkSize), ChunkSize, $"chunk size must be {MinChunkSize}..{MaxChunkSize}");
    }

    /// <summary>What <paramref name="level"/> (<see cref="MinLevel"/>..<see cref="MaxLevel"/>) does, in one line, as `lmz --help` lists it.</summary>
    public static string LevelSummary(int level) =>
        LevelProfile.Exists(level) ? LevelProfile.For(level).Summary : throw new ArgumentOutOfRangeException(nameof(level), level, $"level must be {MinLevel}..{MaxLevel}");

    /// <summary>The writer's settings, once <see cref="Validate"/> has passed.</summary>
    internal WriterSettings ToWriterSettings()
    {
        Validate();
        var progress = Progress;
        return new WriterSettings((Model ?? LmzModelBundle.Default).Files, LevelProfile.For(Level), EffectiveChunkSize, ChunkSize == null,
            EffectiveThreads, Engine, LongestChunk, progress == null ? null : (inBytes, outBytes) => progress.Report(new LmzProgress(inBytes, outBytes)));
    }
}

/// <summary>Settings for decompression.</summary>
public sealed record LmzDecompressionOptions
{
    /// <summary>Threads for chunks and network work. Default: all cores.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The bundle to try first; null means the default one. Any installed bundle whose fingerprint
    /// the file names is found (see <see cref="ModelDirectories"/>).
    /// </summary>
    public LmzModelBundle? Model { get; init; }

    /// <summary>
    /// More places to look for the file's bundle, before $LMZ_MODEL_DIR, the user's directory
    /// (~/.local/share/lmz/models) and the bundles shipped beside the library. Each is a bundle
    /// directory or a directory of them.
    /// </summary>
    public IReadOnlyList<string> ModelDirectories { get; init; } = [];

    /// <summary>Receives bytes written and read after each group of chunks.</summary>
    public IProgress<LmzProgress>? Progress { get; init; }

    /// <summary>Which engine evaluates the integer network; it changes speed only (see <see cref="LmzCompressionOptions.Engine"/>).</summary>
    public Network.NetworkEngineKind Engine { get; init; } = Network.NetworkEngineKind.Native;

    /// <summary>The reader's settings: bundles are found by <see cref="ModelCatalog"/>.</summary>
    internal ReaderSettings ToReaderSettings()
    {
        var progress = Progress;
        return new ReaderSettings(fingerprint => ModelCatalog.Find(fingerprint, Model, ModelDirectories).Files, Threads, Engine,
            progress == null ? null : (outBytes, inBytes) => progress.Report(new LmzProgress(outBytes, inBytes)));
    }
}

/// <summary>Progress: uncompressed and compressed bytes processed so far.</summary>
public readonly record struct LmzProgress(long UncompressedBytes, long CompressedBytes);
