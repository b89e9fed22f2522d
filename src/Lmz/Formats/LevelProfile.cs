using Lmz.Methods;

namespace Lmz.Formats;

/// <summary>
/// What compression level N means, in one place: the container (through the header's level
/// byte), the ensembles, the CLI's help and the benchmarks all read it. Every field is part of
/// the format: changing one changes that level's containers, so it goes with a format version.
/// The measurements that chose each field: docs/decisions/levels.md.
/// </summary>
/// <param name="Level">1..9.</param>
/// <param name="CandidateSets">
/// Level 1's token model: the PPM-style candidate-set model instead of the dense ensemble. Levels
/// 1–3 code with the byte mixer since format 7; their token models decode format-6 files.
/// </param>
/// <param name="NGramOrders">Highest order of each token n-gram model.</param>
/// <param name="Network">The network in front of the ensemble for text-like chunks.</param>
/// <param name="AdapterRank">Rank of the hidden-state adapter (dynamic evaluation of the output layer; needs a network).</param>
/// <param name="KeptContextEighths">
/// Tokens of context the integer network keeps when its window is full and it re-primes, as
/// eighths of the window: more kept context predicts better but re-primes more often.
/// </param>
/// <param name="SplitsLoneChunk">
/// Whether input that would be the only chunk of its group (say a whole file under 1 MiB), or a
/// group's only full chunk and a shorter tail, is coded as two halves when the chunk size is the
/// default, so that two threads code it. Levels 4–6 do; 7–9 spend the time for ratio.
/// </param>
/// <param name="ByteTableBits">
/// log2 of the bytes of each context table of the byte model: its memory per stream is up to 17
/// tables of this size plus about 20 MiB.
/// </param>
/// <param name="BinaryChunkBlocks">
/// With the default chunk size, how many chunk sizes of binary input, or of text the byte model
/// codes (<see cref="ChunkRouter.CodesAsBytes"/>), one chunk may take in, at most
/// <see cref="Format.MaxChunkBlocks"/>: the byte model relearns at each chunk.
/// </param>
/// <param name="Summary">One line for the CLI's help.</param>
internal sealed record LevelProfile(int Level, bool CandidateSets, int[] NGramOrders, TokenNetwork Network, int AdapterRank,
    int KeptContextEighths, bool SplitsLoneChunk, int ByteTableBits, int BinaryChunkBlocks, string Summary)
{
    private static readonly LevelProfile[] Levels =
    [
        new(1, true, [4], TokenNetwork.None, 0, 0, false, 20, 8, "byte-level context mixer with 1 MiB per context (fast)"),
        new(2, false, [2, 5], TokenNetwork.None, 0, 0, false, 21, 8, "as 1 with 2 MiB per context"),
        new(3, false, [2, 6], TokenNetwork.None, 0, 0, false, 22, 8, "as 1 with 4 MiB per context"),
        // With the network a second, low-order n-gram measured no gain.
        // 4–9: text-like chunks through the network, every other chunk through the level-3 byte mixer.
        new(4, false, [3], TokenNetwork.Integer, 0, 2, true, 22, 8, "integer transformer + online predictors, n-grams to order 3"),
        new(5, false, [4], TokenNetwork.Integer, 8, 2, true, 22, 8, "as 4, n-grams to order 4, adapter of rank 8"),
        new(6, false, [5], TokenNetwork.Integer, 16, 2, true, 22, 8, "as 4, n-grams to order 5, adapter of rank 16 (default)"),
        new(7, false, [6], TokenNetwork.Integer, 32, 2, false, 22, 16, "as 4, n-grams to order 6, adapter of rank 32, whole chunks"),
        new(8, false, [6], TokenNetwork.Integer, 32, 6, false, 22, 16, "as 7, keeping 3/4 of the window when it slides"),
        new(9, false, [6], TokenNetwork.Learning, 32, 0, false, 22, 16, "as 7 with a transformer that learns the file (about 1 KB/s)"),
    ];

    /// <summary>The levels, fastest first.</summary>
    public const int MinLevel = 1, MaxLevel = 9;

    /// <summary>Whether <paramref name="level"/> is one of the levels.</summary>
    public static bool Exists(int level) => level is >= MinLevel and <= MaxLevel;

    /// <summary>The profile of a level; an unknown level is invalid data (the header's level byte).</summary>
    public static LevelProfile For(int level) =>
        Exists(level)
            ? Levels[level - 1]
            : throw new InvalidDataException($"unknown compression level {level}");

    public static IReadOnlyList<LevelProfile> All => Levels;

    public bool UsesNetwork => Network != TokenNetwork.None;

    /// <summary>How the level's token streams are coded.</summary>
    public TokenCoderOptions Tokens => new(CandidateSets, NGramOrders, Network, AdapterRank, KeptContextEighths);
}
