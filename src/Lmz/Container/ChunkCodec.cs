using System.Buffers;
using System.Text;
using System.Text.Unicode;
using K4os.Compression.LZ4;
using Lmz.Core;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Models.Hybrid;
using Lmz.Models.Tokens;
using Lmz.Network;
using Lmz.Tokenization;

namespace Lmz.Container;

/// <summary>
/// Compresses and decompresses one group of chunks. Each chunk gets the smallest of: its tokens
/// coded by the ensemble (text-like chunks: with the transformer at levels 4+, else the online
/// predictors only), its bytes coded by the byte-level context mixer, an LZ4 block, or the bytes
/// stored. Which coders a chunk tries is a cheap prediction of the winner: random-looking chunks
/// only LZ4; text-like chunks at levels with the transformer its tokens; every other chunk the
/// byte mixer, after the x86 call filter when it looks like x86 code. The token predictors
/// without the transformer are only decoded (files of format 6). Every
/// coded chunk is a stream of its own (a transformer chunk has its own one-row network), and a
/// group's streams run in parallel in both directions.
/// </summary>
internal sealed class ChunkCodec(LmzModelBundle bundle, int level, int threads, NetworkEngineKind engine, byte formatVersion = ContainerFormat.Version)
{
    public sealed record Encoded(ChunkRecord Record, byte[] Payload);

    /// <summary>Starts what the level's streams will need before their first chunk arrives.</summary>
    public ChunkCodec Prepare()
    {
        if (engine == NetworkEngineKind.Native && LevelProfile.For(level).Network == LevelNetwork.Integer) bundle.BeginLoadingIntegerWeights();
        return this;
    }

    /// <summary>Compresses a group; <paramref name="progress"/> receives uncompressed bytes coded so far (may repeat a chunk).</summary>
    public Encoded[] CompressGroup(IReadOnlyList<byte[]> chunks, CancellationToken cancellationToken, Action<long>? progress = null)
    {
        var tokenizer = bundle.Tokenizer;
        var tokens = new int[chunks.Count][];
        var textLike = new bool[chunks.Count];
        var incompressible = new bool[chunks.Count];
        var lz4 = new byte[chunks.Count][];
        var bytePayload = new byte[chunks.Count][];
        var x86 = new bool[chunks.Count];
        bool neuralLevel = LevelProfile.For(level).UsesNetwork && bundle.HasTransformer;
        var byteModel = ByteModelSettings.For(level);
        var byteProgress = Locked(progress);
        ParallelLoop.For(chunks.Count, threads, cancellationToken, i =>
        {
            incompressible[i] = LooksRandom(chunks[i]);
            if (!incompressible[i] && neuralLevel && MayBeText(chunks[i]) && HeadLooksLikeText(tokenizer, chunks[i]))
            {
                var ids = new List<int>(chunks[i].Length / 3);
                tokenizer.Encode(chunks[i], ids, LmzTokenizer.CodingRunLimit);
                tokens[i] = [.. ids];
                textLike[i] = LooksLikeText(chunks[i], tokens[i].Length);
            }
            if (!incompressible[i] && !textLike[i])
            {
                x86[i] = X86CallFilter.LooksLikeX86(chunks[i]);
                byte[] input = chunks[i];
                if (x86[i])
                {
                    input = (byte[])input.Clone();
                    X86CallFilter.Forward(input);
                }
                // Revision 4's text contexts cost binaries (ptt5 1.4%, bench/results/byte-runs.md): text chunks only.
                var settings = FewControlBytes(chunks[i]) ? byteModel : byteModel with { Contexts = byteModel.Contexts & ~ByteContexts.TextRevision4 };
                bytePayload[i] = ByteStreamCoder.Encode(input, settings, byteProgress);
            }
            lz4[i] = CompressLz4(chunks[i]);
        });

        // Only the transformer codes tokens: without it the byte mixer measured smaller on every
        // text file tried (session 7: alice29.txt, book1, cp.html, paper1, progl at levels 1–3).
        var tokenChunks = Enumerable.Range(0, chunks.Count).Where(i => textLike[i]).ToList();
        var bytesPerToken = chunks.Select((c, i) => tokens[i] is { Length: > 0 } t ? (double)c.Length / t.Length : 0).ToArray();
        var tokenPayload = new byte[chunks.Count][];
        var textMethod = formatVersion >= 10 ? ChunkMethod.TokenHybrid : ChunkMethod.TokenNeural;
        var encoded = EncodeTokens(tokenChunks.Select(i => tokens[i]).ToList(), tokenChunks.Select(_ => textMethod).ToList(),
            tokenChunks.Select(i => chunks[i].Length).ToList(), cancellationToken, TokenProgress(tokenChunks, bytesPerToken, progress));
        for (int k = 0; k < tokenChunks.Count; k++) tokenPayload[tokenChunks[k]] = encoded[k];

        var result = new Encoded[chunks.Count];
        for (int i = 0; i < chunks.Count; i++)
        {
            var original = chunks[i];
            var (method, payload) = (ChunkMethod.Stored, original);
            if (lz4[i].Length < payload.Length) (method, payload) = (ChunkMethod.Lz4, lz4[i]);
            if (bytePayload[i] is { } bits && bits.Length < payload.Length) (method, payload) = (x86[i] ? ChunkMethod.BytesX86 : ChunkMethod.Bytes, bits);
            if (tokenPayload[i] is { } coded && coded.Length < payload.Length) (method, payload) = (textMethod, coded);
            int tokenCount = method == textMethod ? tokens[i].Length : 0;
            result[i] = new Encoded(new ChunkRecord(method, original.Length, payload.Length, tokenCount, ContainerFormat.Crc(original)), payload);
        }
        return result;
    }

    /// <summary>Decodes a group whose payloads <see cref="ContainerParser"/> has checked; <paramref name="firstIndex"/> numbers the chunks in error messages.</summary>
    public byte[][] DecompressGroup(IReadOnlyList<Encoded> group, int firstIndex, CancellationToken cancellationToken, Action<long>? progress = null)
    {
        var output = new byte[group.Count][];
        var byteProgress = Locked(progress);
        var members = Enumerable.Range(0, group.Count)
            .Where(i => group[i].Record.Method.CodesTokens()).ToList();
        var methods = members.Select(i => group[i].Record.Method).ToList();
        int first = methods.FindIndex(m => m.UsesTransformer());
        if (first >= 0 && !bundle.HasTransformer)
            throw ChunkRecord.Corrupt(firstIndex + members[first], "needs the transformer, but the model bundle has none");
        var bytesPerToken = group.Select(e => e.Record.TokenCount > 0 ? (double)e.Record.OriginalLength / e.Record.TokenCount : 0).ToArray();
        var decoded = DecodeTokens(members.Select(i => group[i].Payload).ToList(), members.Select(i => group[i].Record.TokenCount).ToList(),
            methods, members.Select(i => group[i].Record.OriginalLength).ToList(), firstIndex, members, cancellationToken,
            TokenProgress(members, bytesPerToken, progress));
        for (int k = 0; k < members.Count; k++) output[members[k]] = Detokenize(decoded[k], group[members[k]].Record, firstIndex + members[k]);
        ParallelLoop.For(group.Count, threads, cancellationToken, i =>
        {
            var record = group[i].Record;
            if (record.Method == ChunkMethod.Stored)
            {
                if (record.PayloadLength != record.OriginalLength) throw ChunkRecord.Corrupt(firstIndex + i, "stored length mismatch");
                output[i] = group[i].Payload;
            }
            else if (record.Method == ChunkMethod.Lz4)
            {
                var bytes = new byte[record.OriginalLength];
                int n = LZ4Codec.Decode(group[i].Payload, bytes);
                if (n != bytes.Length) throw ChunkRecord.Corrupt(firstIndex + i, "LZ4 block does not decode to the recorded length");
                output[i] = bytes;
            }
            else if (record.Method is ChunkMethod.Bytes or ChunkMethod.BytesX86)
            {
                try
                {
                    output[i] = ByteStreamCoder.Decode(group[i].Payload, record.OriginalLength, ByteModelSettings.For(level, formatVersion), byteProgress);
                    if (record.Method == ChunkMethod.BytesX86) X86CallFilter.Inverse(output[i]);
                }
                catch (InvalidDataException e)
                {
                    throw ChunkRecord.Corrupt(firstIndex + i, e.Message);
                }
            }
        });
        for (int i = 0; i < group.Count; i++)
        {
            if (ContainerFormat.Crc(output[i]) != group[i].Record.OriginalCrc)
                throw ChunkRecord.Corrupt(firstIndex + i, "checksum of the decoded bytes does not match");
        }
        return output;
    }

    private byte[] Detokenize(int[] tokens, ChunkRecord record, int index)
    {
        var output = new MemoryStream(record.OriginalLength);
        foreach (int t in tokens)
        {
            var bytes = bundle.Tokenizer.TokenBytes(t);
            if (output.Length + bytes.Length > record.OriginalLength)
                throw ChunkRecord.Corrupt(index, "decoded tokens exceed the recorded length");
            output.Write(bytes);
        }
        if (output.Length != record.OriginalLength)
            throw ChunkRecord.Corrupt(index, "decoded tokens fall short of the recorded length");
        return output.ToArray();
    }

    private byte[][] EncodeTokens(IReadOnlyList<int[]> streams, IReadOnlyList<ChunkMethod> methods, IReadOnlyList<int> lengths,
        CancellationToken cancellationToken, Action<int, int>? progress)
    {
        return TokenStreamCoder.Encode(streams, s => CreateModel(methods, lengths, s), threads, cancellationToken, progress);
    }

    private int[][] DecodeTokens(IReadOnlyList<byte[]> payloads, IReadOnlyList<int> counts, IReadOnlyList<ChunkMethod> methods,
        IReadOnlyList<int> lengths, int firstIndex, IReadOnlyList<int> chunkOfStream, CancellationToken cancellationToken, Action<int, int>? progress)
    {
        try
        {
            return TokenStreamCoder.Decode(payloads, counts, s => CreateModel(methods, lengths, s), threads, cancellationToken, progress);
        }
        catch (InvalidDataException e) when (e.Data[TokenStreamCoder.StreamKey] is int stream)
        {
            throw ChunkRecord.Corrupt(firstIndex + chunkOfStream[stream], e.Message);
        }
    }

    /// <summary>
    /// A stream's model. Streams run min(threads, streams) at a time; each network gets an equal
    /// share of the threads, which (like the engine) change its speed, never its outputs.
    /// </summary>
    private ITokenCoder CreateModel(IReadOnlyList<ChunkMethod> methods, IReadOnlyList<int> lengths, int stream)
    {
        int vocab = bundle.Tokenizer.VocabSize;
        if (!methods[stream].UsesTransformer()) return TokenCoderFactory.Create(level, vocab, null);
        int networkThreads = Math.Max(1, threads / Math.Min(threads, methods.Count));
        var tokens = TokenCoderFactory.CreateNeural(level, bundle, networkThreads, engine);
        if (methods[stream] != ChunkMethod.TokenHybrid) return tokens;
        int revision = formatVersion >= 14 ? HybridDecisionModel.CodeRevision : 1;
        return new HybridTokenCoder((ITokenDistribution)tokens, bundle.Trie, lengths[stream], LevelProfile.For(level).ByteTableBits, revision);
    }

    /// <summary>The progress callback made safe to call from the chunks' threads.</summary>
    private static Action<long>? Locked(Action<long>? progress)
    {
        if (progress == null) return null;
        var gate = new Lock();
        return bytes => { lock (gate) progress(bytes); };
    }

    /// <summary>Turns per-stream token counts into uncompressed-byte progress (streams are the listed chunks).</summary>
    private static Action<int, int>? TokenProgress(List<int> chunkOfStream, double[] bytesPerToken, Action<long>? progress)
    {
        var locked = Locked(progress);
        if (locked == null) return null;
        return (stream, tokens) => locked((long)(tokens * bytesPerToken[chunkOfStream[stream]]));
    }

    /// <summary>
    /// Random-looking data (order-0 entropy above 7.9 bits per byte, e.g. already compressed files)
    /// skips the token coder, which could not win and would spend seconds per megabyte.
    /// </summary>
    private static bool LooksRandom(byte[] data)
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
    /// blocks join into longer chunks and are halved only when long (see <see cref="ContainerWriter"/>).
    /// </summary>
    public static bool FewControlBytes(ReadOnlySpan<byte> data) => ControlBytes(data) * 100L <= data.Length;

    /// <summary>
    /// At most 20% control bytes: a chunk with more is not worth tokenizing for the transformer.
    /// Binary files hold 27–91% (corpus: obj2 27%, geo 36%, kennedy.xls 79%, ptt5 91%); calgary/trans,
    /// a terminal session the transformer codes, 9%. Tokenizing a 4 MiB binary chunk cost about
    /// 125 MiB of peak memory (Silesia mr's first 4.5 MB at -6: 370 MiB against 245 at -3, session 8).
    /// </summary>
    private static bool MayBeText(ReadOnlySpan<byte> data) => ControlBytes(data) * 5L <= data.Length;

    /// <summary>Bytes of a chunk's head that <see cref="HeadLooksLikeText"/> tokenizes.</summary>
    private const int TextTestHead = 64 << 10;

    /// <summary>
    /// Whether the first 64 KiB of a longer chunk look like text: a chunk whose head does not is
    /// coded as bytes without tokenizing the rest (Silesia osdb's 4 MiB chunks hold 12% control
    /// bytes, under <see cref="MayBeText"/>'s bound; tokenizing two of them at once peaked at 438 MiB
    /// at -6, session 8).
    /// </summary>
    private static bool HeadLooksLikeText(LmzTokenizer tokenizer, byte[] chunk) =>
        chunk.Length <= 2 * TextTestHead || TokensLookLikeText(tokenizer, chunk.AsSpan(0, TextTestHead));

    /// <summary>
    /// Whether a block of input goes to the byte mixer (or LZ4), as far as its content shows:
    /// binary (see <see cref="FewControlBytes"/>), any block at a level without the network, or
    /// text that fails the network's text test, on its first 64 KiB or, as a chunk would, whole.
    /// The writer joins such blocks into longer chunks, since the byte mixer relearns at every
    /// chunk (Silesia reymont at -6: 1,035,905 bytes in 1 MiB chunks, above zpaq -m5's 956,504;
    /// bench/results/byte-runs.md).
    /// </summary>
    public bool CodesAsBytes(ReadOnlySpan<byte> block)
    {
        if (!FewControlBytes(block) || !LevelProfile.For(level).UsesNetwork) return true;
        return !(TokensLookLikeText(bundle.Tokenizer, block[..Math.Min(block.Length, TextTestHead)])
            && (block.Length <= TextTestHead || TokensLookLikeText(bundle.Tokenizer, block)));
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
    private static bool LooksLikeText(ReadOnlySpan<byte> data, int tokenCount) =>
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

    private static byte[] CompressLz4(byte[] data)
    {
        var target = new byte[LZ4Codec.MaximumOutputSize(data.Length)];
        int n = LZ4Codec.Encode(data, target, LZ4Level.L09_HC);
        return n <= 0 ? data : target[..n];
    }
}
