using Lmz.Methods;
using Lmz.Models.Hybrid;

namespace Lmz.Formats;

/// <summary>
/// One format version: the layout of its files and how each chunk method is set up at each level.
/// The one place that knows version numbers. Each version is a file that states what it changed
/// from the one before (<see cref="Format15"/> is current; the older ones are frozen under Legacy/,
/// since their files must decode forever). Models and methods see only the option records made
/// here, never a version.
/// </summary>
internal abstract class Format
{
    /// <summary>The format this lmz writes.</summary>
    public static Format Current { get; } = new Format15();

    /// <summary>Every format this lmz reads, oldest first: 6 is the first stable one (docs/FORMAT.md, "Stability").</summary>
    private static readonly Format[] Readable =
        [new Format06(), new Format07(), new Format08(), new Format09(), new Format10(), new Format11(), new Format12(), new Format13(), new Format14(), Current];

    /// <summary>Chunks are coded in groups of this many; a group's streams run in parallel. Fixed, so the output never depends on the thread count.</summary>
    public const int GroupSize = 8;

    /// <summary>The smallest and largest chunk size a header may name.</summary>
    public const int MinChunkSize = 4096, MaxChunkSize = 64 << 20;

    /// <summary>The format of version byte <paramref name="version"/>; one this lmz does not read is invalid data, named in one line.</summary>
    public static Format Of(byte version)
    {
        byte oldest = Readable[0].Version, newest = Current.Version;
        if (version > newest) throw new InvalidDataException($"made by a newer lmz (format {version}); this lmz reads formats {oldest}–{newest}");
        if (version < oldest) throw new InvalidDataException($"unsupported lmz format version {version} (this lmz reads formats {oldest}–{newest})");
        return Readable[version - oldest];
    }

    public abstract byte Version { get; }

    /// <summary>Compact headers and records (varint lengths, one CRC-32 over a record and its payload) rather than fixed fields.</summary>
    public virtual bool CompactLayout => false;

    /// <summary>The highest chunk method byte the format's records may hold.</summary>
    public virtual ChunkMethod NewestMethod => ChunkMethod.TokenNeural;

    /// <summary>How many chunk sizes one chunk of binary data (or text for the byte model) may take in.</summary>
    public virtual int MaxChunkBlocks => 1;

    /// <summary>The method text-like chunks take at levels with a network.</summary>
    public virtual ChunkMethod TextMethod => ChunkMethod.TokenNeural;

    /// <summary>The byte model of <paramref name="level"/>'s byte chunks; null where the format has none.</summary>
    public virtual ByteModelSettings? Bytes(LevelProfile level) => null;

    /// <summary>The hybrid's options at <paramref name="level"/>; null where the format has no hybrid.</summary>
    public virtual HybridOptions? Hybrid(LevelProfile level) => null;

    /// <summary>
    /// Where the format has it, a text-like chunk goes to the byte model rather than the network
    /// when a sample codes with the byte model below this many thousandths of a bit per byte
    /// (<see cref="ChunkRouter.BytesWinTrial"/>); 0: no trial.
    /// </summary>
    public virtual int BytesTrialMilliBits => 0;

    /// <summary>The longest chunk a file of this format may hold with a header's <paramref name="chunkSize"/>.</summary>
    public int MaxChunkLength(int chunkSize) => (int)Math.Min((long)chunkSize * MaxChunkBlocks, MaxChunkSize);
}
