using Lmz.Methods;

namespace Lmz.Formats;

/// <summary>
/// What compression level N means, in one place: the container (through the header's level
/// byte), the ensembles, the CLI's help and the benchmarks all read it. Every field is part of
/// the format: changing one changes that level's containers, so it goes with a format version.
/// </summary>
/// <param name="Level">1..9.</param>
/// <param name="CandidateSets">
/// Level 1's token model: the PPM-style candidate-set model instead of the dense ensemble. Levels
/// 1–3 code with the byte mixer since format 7; their token models decode format-6 files.
/// </param>
/// <param name="NGramOrders">Highest order of each token n-gram model.</param>
/// <param name="Network">The network in front of the ensemble for text-like chunks.</param>
/// <param name="AdapterRank">
/// Rank of the hidden-state adapter (dynamic evaluation of the output layer; needs a network).
/// `bench ablate`, payload bpb of alice29.txt / book1 / progl for the level-6 predictors: rank 0
/// 1.6623 / 1.9767 / 1.3305, rank 8 1.6490 / 1.9572 / 1.3058, rank 16 1.6407 / 1.9476 / 1.3031,
/// rank 32 1.6359 / 1.9337 / 1.2986, at about 1.5 µs per plane and token (bench/results/ablation.md).
/// </param>
/// <param name="KeptContextEighths">
/// Tokens of context the integer network keeps when its window is full and it re-primes, as
/// eighths of the window: more kept context predicts better but re-primes more often. Measured
/// with `lmz -6` (int8 model, session 2): keeping 2/8 instead of 4/8 codes alice29.txt 11 bytes
/// and paper1 5 bytes smaller, progc the same, asyoulik.txt 19 bytes larger.
/// </param>
/// <param name="SplitsLoneChunk">
/// Whether input that would be the only chunk of its group (say a whole file under 1 MiB) is
/// coded as two halves when the chunk size is the default, so that two threads code it (one
/// stream's steps run one after another). Levels 4–6 do; 7–9 spend the
/// time for ratio. Session 5 (float network): alice29.txt -6 18.6 / 19.4 KB/s in two halves
/// against 11.0–11.8 / 11.5–12.0 whole, at 1.6759 against 1.6452 bpb (each half relearns).
/// The same levels cut text that would be a group's only full chunk and a shorter tail into
/// halves (session 18, enwik8_small -6: 31 / 44 s and 217,808 bytes, against 69 / 84 s and
/// 214,205 as a full chunk and a 22 KB tail).
/// </param>
/// <param name="ByteTableBits">
/// log2 of the bytes of each context table of the byte-level mixer (chunk method "bytes"): its
/// memory per stream is up to 17 tables of this size (12 in format 7) plus about 20 MiB. `bench bytes --bits N`
/// (session 7), kennedy.xls / book1 in bpb: 18 bits 0.1357 / 2.3080, 20 bits 0.1277 / 2.1893,
/// 22 bits 0.1265 / 2.1510, 24 bits 0.1259 / 2.1422.
/// </param>
/// <param name="BinaryChunkBlocks">
/// With the default chunk size, how many chunk sizes of binary input, or of text the byte model
/// codes (<see cref="ChunkRouter.CodesAsBytes"/>), one chunk may take in (the
/// byte model relearns at each chunk; at most <see cref="Format.MaxChunkBlocks"/>).
/// Levels 1–6: 8, so a 10 MB database is two 5 MB halves for two threads; 7–9: 16, for ratio.
/// Silesia osdb (session 9, format 9): at -6 2,214,616 bytes in chunks of 4 MiB and two 2.9 MB
/// halves (4 chunk sizes; 47 s), 2,197,020 in two 5 MB halves (8; 44 s), 2,172,510 whole at -7
/// (99 s); byte model alone, format 8: 1.8143 bpb in 3.3 MiB pieces, 1.7698 whole.
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
