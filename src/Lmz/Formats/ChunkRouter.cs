using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Lmz.Core;
using Lmz.Methods;
using Lmz.Tokenization;

namespace Lmz.Formats;

/// <summary>
/// Which methods a chunk tries, as far as its bytes show: cheap tests that predict the winner.
/// Random-looking chunks try only LZ4; text-like chunks at levels with the network take tokens;
/// every other chunk goes to the byte model. The writer also asks it where byte runs begin
/// (<see cref="CodesAsBytes"/>). The choice is the encoder's alone: the records name the method.
/// </summary>
internal static class ChunkRouter
{
    /// <summary>
    /// Random-looking data (order-0 entropy above 7.9 bits per byte, e.g. already compressed files)
    /// skips the token coder, which could not win and would spend seconds per megabyte.
    /// </summary>
    public static bool LooksRandom(byte[] data)
    {
        if (data.Length < 4096) return false;
        Span<int> histogram = stackalloc int[256];
        foreach (byte b in data) histogram[b]++;
        double bits = 0;
        foreach (int count in histogram)
            if (count > 0) bits -= count * FixedMath.Log((double)count / data.Length);
        return bits / FixedMath.Log(2) / data.Length > 7.9;
    }

    /// <summary>
    /// At most 1% control bytes other than whitespace: the writer's test of a block for text. Text
    /// blocks are cut at line breaks and a lone text chunk is halved for the network's sake; binary
    /// blocks join into longer chunks and are halved only when long (see the container writer).
    /// </summary>
    public static bool FewControlBytes(ReadOnlySpan<byte> data) => ControlBytes(data) * 100L <= data.Length;

    /// <summary>
    /// At most 20% control bytes: a chunk with more is not worth tokenizing for the network. Binary
    /// files hold 27–91%, a terminal log 9%, and tokenizing binary costs memory (docs/decisions/chunks.md).
    /// </summary>
    public static bool MayBeText(ReadOnlySpan<byte> data) => ControlBytes(data) * 5L <= data.Length;

    /// <summary>Bytes of a chunk's head that <see cref="HeadLooksLikeText"/> tokenizes.</summary>
    private const int TextTestHead = 64 << 10;

    /// <summary>
    /// Whether the first 64 KiB of a longer chunk look like text: a chunk whose head does not is
    /// coded as bytes without tokenizing the rest: a database can pass <see cref="MayBeText"/>'s
    /// bound and cost hundreds of MiB to tokenize (docs/decisions/chunks.md).
    /// </summary>
    public static bool HeadLooksLikeText(LmzTokenizer tokenizer, byte[] chunk) =>
        chunk.Length <= 2 * TextTestHead || TokensLookLikeText(tokenizer, chunk.AsSpan(0, TextTestHead));

    /// <summary>
    /// Whether a block of input goes to the byte mixer (or LZ4), as far as its content shows:
    /// binary (see <see cref="FewControlBytes"/>), any block at a level without the network, or
    /// text that fails the network's text test, on its first 64 KiB or, as a chunk would, whole.
    /// The writer joins such blocks into longer chunks, since the byte mixer relearns at every
    /// chunk (Silesia reymont at -6: 1,035,905 bytes in 1 MiB chunks, above zpaq -m5's 956,504;
    /// bench/results/byte-runs.md).
    /// </summary>
    public static bool CodesAsBytes(ReadOnlySpan<byte> block, Format format, LevelProfile level, LmzTokenizer tokenizer)
    {
        if (!FewControlBytes(block) || !level.UsesNetwork) return true;
        return !(TokensLookLikeText(tokenizer, block[..Math.Min(block.Length, TextTestHead)])
            && (block.Length <= TextTestHead || TokensLookLikeText(tokenizer, block))) || BytesWinTrial(block, format, level);
    }

    /// <summary>The sample of <see cref="BytesWinTrial"/>: this many bytes from the middle of the chunk, coded with tables of 2^<see cref="BytesTrialTableBits"/> bytes.</summary>
    public const int BytesTrialSample = 32 << 10, BytesTrialTableBits = 18;

    /// <summary>
    /// Where the format has the trial (<see cref="Format.BytesTrialMilliBits"/>), whether text goes
    /// to the byte model rather than the network: its sample codes with the byte model below the
    /// format's bound. Machine-written text (logs, CSV, JSON) codes smaller and several times
    /// faster there; prose and code do not (docs/decisions/structured.md).
    /// </summary>
    public static bool BytesWinTrial(ReadOnlySpan<byte> data, Format format, LevelProfile level)
    {
        int bound = format.BytesTrialMilliBits;
        if (bound == 0 || format.Bytes(level) is not { } settings) return false;
        int length = Math.Min(BytesTrialSample, data.Length);
        var sample = data.Slice((data.Length - length) / 2, length);
        var small = settings with { TableBits = Math.Min(settings.TableBits, BytesTrialTableBits), Trial = false };
        long coded = ByteStreamCoder.CodedLength(sample, small, new BytePayloadHeader(0, settings.Contexts));
        return coded * 8000 < (long)bound * length;
    }

    /// <summary><see cref="LooksLikeText"/> of <paramref name="data"/> with its tokens counted.</summary>
    private static bool TokensLookLikeText(LmzTokenizer tokenizer, ReadOnlySpan<byte> data)
    {
        var ids = new List<int>(data.Length / 3);
        tokenizer.Encode(data, ids, LmzTokenizer.CodingRunLimit);
        return LooksLikeText(data, ids.Count);
    }

    /// <summary>Bytes below 0x20 other than tab, line feed, carriage return and form feed, and 0x7F.</summary>
    private static long ControlBytes(ReadOnlySpan<byte> data)
    {
        long controls = 0;
        foreach (byte b in data) if ((b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C)) || b == 0x7F) controls++;
        return controls;
    }

    /// <summary>
    /// Text-like: tokens cover ≥ 2 bytes on average and at most 1% of the bytes are not valid UTF-8.
    /// Valid non-ASCII letters count as text even where the tokenizer spells them byte by byte: the
    /// test used to count those byte tokens, and it sent enwik8_small's first chunk (1.7% of its
    /// tokens, from interlanguage links) to the byte mixer at 1.792 bpb; through the network it
    /// codes at 1.592 (bench/results/text-test.md).
    /// </summary>
    public static bool LooksLikeText(ReadOnlySpan<byte> data, int tokenCount) =>
        !data.IsEmpty && tokenCount * 2L <= data.Length && InvalidUtf8Bytes(data) * 100L <= data.Length;

    /// <summary>Bytes that no valid UTF-8 sequence covers (a sequence cut off at the end counts as invalid).</summary>
    private static long InvalidUtf8Bytes(ReadOnlySpan<byte> data)
    {
        if (Utf8.IsValid(data)) return 0;
        long invalid = 0;
        while (!data.IsEmpty)
        {
            int ascii = data.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (ascii < 0) break;
            data = data[ascii..];
            if (Rune.DecodeFromUtf8(data, out _, out int consumed) != OperationStatus.Done) invalid += consumed;
            data = data[consumed..];
        }
        return invalid;
    }

}
