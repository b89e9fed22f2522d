using Lmz.Core;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Network;
using Lmz.Tokenization;
using Lmz.Bundles;

namespace Lmz.Container;

/// <summary>
/// Compresses and decompresses one group of chunks. Each chunk gets the smallest of the methods
/// <see cref="ChunkRouter"/> lets it try: its tokens (text-like chunks at levels with the
/// network), its bytes through the byte model (after the x86 call filter when it looks like x86
/// code), an LZ4 block, or the bytes stored. Every coded chunk is a stream of its own (a network
/// chunk has its own one-row network), and a group's streams run in parallel in both directions.
/// </summary>
internal sealed class GroupCodec
{
    public sealed record Encoded(ChunkRecord Record, byte[] Payload);

    private readonly Bundle _bundle;
    private readonly LevelProfile _level;
    private readonly Format _format;
    private readonly int _threads;
    private readonly NetworkEngineKind _engine;
    private readonly TokenMethod _tokens;

    public GroupCodec(Bundle bundle, LevelProfile level, Format format, int threads, NetworkEngineKind engine)
    {
        (_bundle, _level, _format, _threads, _engine) = (bundle, level, format, threads, engine);
        _tokens = new TokenMethod(bundle, level.Tokens, format.Hybrid(level), level.ByteTableBits, threads, engine);
    }

    /// <summary>Starts what the level's streams will need before their first chunk arrives.</summary>
    public GroupCodec Prepare()
    {
        if (_engine == NetworkEngineKind.Native && _level.Network == TokenNetwork.Integer) _bundle.BeginLoadingIntegerWeights();
        return this;
    }

    /// <summary>Compresses a group; <paramref name="progress"/> receives uncompressed bytes coded so far (may repeat a chunk).</summary>
    public Encoded[] CompressGroup(IReadOnlyList<byte[]> chunks, CancellationToken cancellationToken, Action<long>? progress = null)
    {
        var tokenizer = _bundle.Tokenizer;
        var tokens = new int[chunks.Count][];
        var textLike = new bool[chunks.Count];
        var best = new (IChunkMethod Method, byte[] Payload)[chunks.Count];
        bool neuralLevel = _level.UsesNetwork && _bundle.HasTransformer;
        var byteModel = _format.Bytes(_level)!;
        var byteProgress = Locked(progress);
        ParallelLoop.For(chunks.Count, _threads, cancellationToken, i =>
        {
            var chunk = chunks[i];
            bool incompressible = ChunkRouter.LooksRandom(chunk);
            if (!incompressible && neuralLevel && ChunkRouter.MayBeText(chunk) && ChunkRouter.HeadLooksLikeText(tokenizer, chunk)
                && !ChunkRouter.BytesWinTrial(chunk, _format, _level))
            {
                var ids = new List<int>(chunk.Length / 3);
                tokenizer.Encode(chunk, ids, LmzTokenizer.CodingRunLimit);
                tokens[i] = [.. ids];
                textLike[i] = ChunkRouter.LooksLikeText(chunk, tokens[i].Length);
            }
            best[i] = (StoredMethod.Instance, chunk);
            if (!incompressible && !textLike[i])
            {
                // The contexts for text cost binaries (ptt5 1.4%, docs/decisions/byte-model.md): text chunks only.
                var settings = ChunkRouter.FewControlBytes(chunk) ? byteModel : byteModel with { Contexts = byteModel.Contexts & ~TextOnly };
                Keep(ref best[i], new BytesMethod(settings, X86CallFilter.LooksLikeX86(chunk)), chunk, byteProgress);
            }
            Keep(ref best[i], Lz4Method.Instance, chunk, null);
        });

        // Only the network codes tokens: without it the byte model measured smaller on every text file tried (docs/decisions/chunks.md).
        var tokenChunks = Enumerable.Range(0, chunks.Count).Where(i => textLike[i]).ToList();
        var bytesPerToken = chunks.Select((c, i) => tokens[i] is { Length: > 0 } t ? (double)c.Length / t.Length : 0).ToArray();
        var textMethod = _format.TextMethod;
        var encoded = _tokens.Encode(tokenChunks.Select(i => tokens[i]).ToList(), tokenChunks.Select(_ => textMethod).ToList(),
            tokenChunks.Select(i => chunks[i].Length).ToList(), cancellationToken, TokenProgress(tokenChunks, bytesPerToken, progress));

        var result = new Encoded[chunks.Count];
        var tokenPayload = new byte[chunks.Count][];
        for (int k = 0; k < tokenChunks.Count; k++) tokenPayload[tokenChunks[k]] = encoded[k];
        for (int i = 0; i < chunks.Count; i++)
        {
            var (method, payload) = (best[i].Method.Id, best[i].Payload);
            if (tokenPayload[i] is { } coded && coded.Length < payload.Length) (method, payload) = (textMethod, coded);
            int tokenCount = method == textMethod ? tokens[i].Length : 0;
            result[i] = new Encoded(new ChunkRecord(method, chunks[i].Length, payload.Length, tokenCount, ContainerFormat.Crc(chunks[i])), payload);
        }
        return result;
    }

    /// <summary>The byte model's contexts that binary chunks go without: those for text and those for structured text.</summary>
    private const ByteContexts TextOnly = ByteContexts.ForText | ByteContexts.StructuredContexts;

    /// <summary>Replaces <paramref name="best"/> with <paramref name="method"/>'s payload when that is smaller.</summary>
    private static void Keep(ref (IChunkMethod Method, byte[] Payload) best, IChunkMethod method, byte[] chunk, Action<long>? progress)
    {
        var payload = method.Encode(chunk, progress);
        if (payload.Length < best.Payload.Length) best = (method, payload);
    }

    /// <summary>Decodes a group whose payloads <see cref="ContainerParser"/> has checked; <paramref name="firstIndex"/> numbers the chunks in error messages.</summary>
    public byte[][] DecompressGroup(IReadOnlyList<Encoded> group, int firstIndex, CancellationToken cancellationToken, Action<long>? progress = null)
    {
        var output = new byte[group.Count][];
        var byteProgress = Locked(progress);
        var members = Enumerable.Range(0, group.Count).Where(i => group[i].Record.Method.CodesTokens()).ToList();
        var methods = members.Select(i => group[i].Record.Method).ToList();
        int first = methods.FindIndex(m => m.UsesTransformer());
        if (first >= 0 && !_bundle.HasTransformer)
            throw ChunkRecord.Corrupt(firstIndex + members[first], "needs the transformer, but the model bundle has none");
        var bytesPerToken = group.Select(e => e.Record.TokenCount > 0 ? (double)e.Record.OriginalLength / e.Record.TokenCount : 0).ToArray();
        int[][] decoded;
        try
        {
            decoded = _tokens.Decode(members.Select(i => group[i].Payload).ToList(), members.Select(i => group[i].Record.TokenCount).ToList(),
                methods, members.Select(i => group[i].Record.OriginalLength).ToList(), cancellationToken, TokenProgress(members, bytesPerToken, progress));
        }
        catch (InvalidDataException e) when (e.Data[TokenStreamCoder.StreamKey] is int stream)
        {
            throw ChunkRecord.Corrupt(firstIndex + members[stream], e.Message);
        }
        for (int k = 0; k < members.Count; k++)
            output[members[k]] = Checked(firstIndex + members[k], () => _tokens.Detokenize(decoded[k], group[members[k]].Record.OriginalLength));
        ParallelLoop.For(group.Count, _threads, cancellationToken, i =>
        {
            var record = group[i].Record;
            if (record.Method.CodesTokens()) return;
            IChunkMethod method = record.Method switch
            {
                ChunkMethod.Stored => StoredMethod.Instance,
                ChunkMethod.Lz4 => Lz4Method.Instance,
                _ => new BytesMethod(_format.Bytes(_level)!, record.Method == ChunkMethod.BytesX86),
            };
            output[i] = Checked(firstIndex + i, () => method.Decode(group[i].Payload, record.OriginalLength, byteProgress));
        });
        for (int i = 0; i < group.Count; i++)
        {
            if (ContainerFormat.Crc(output[i]) != group[i].Record.OriginalCrc)
                throw ChunkRecord.Corrupt(firstIndex + i, "checksum of the decoded bytes does not match");
        }
        return output;
    }

    /// <summary>Runs a decoder, naming chunk <paramref name="index"/> in its error.</summary>
    private static byte[] Checked(int index, Func<byte[]> decode)
    {
        try
        {
            return decode();
        }
        catch (InvalidDataException e)
        {
            throw ChunkRecord.Corrupt(index, e.Message);
        }
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
}
