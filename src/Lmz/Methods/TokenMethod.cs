using Lmz.Models.Tokens;
using Lmz.Models.Hybrid;
using Lmz.Network;
using Lmz.Bundles;

namespace Lmz.Methods;

/// <summary>
/// The token methods: <see cref="ChunkMethod.TokenPredictors"/> (the online predictors alone,
/// decoded for format 6), <see cref="ChunkMethod.TokenNeural"/> (the network's ensemble) and
/// <see cref="ChunkMethod.TokenHybrid"/> (that ensemble over the vocabulary trie, mixed with a byte
/// model). A group's token chunks are streams that run side by side, each with its own coder, on
/// up to <paramref name="threads"/> threads (<see cref="TokenStreamCoder"/>).
/// </summary>
/// <param name="bundle">The model bundle.</param>
/// <param name="tokens">The level's token coders.</param>
/// <param name="hybrid">The hybrid's switches in the format in use, or null where it has none.</param>
/// <param name="tableBits">log2 of each of the hybrid's byte-model context tables' bytes.</param>
/// <param name="threads">Streams coded at once.</param>
/// <param name="engine">The integer network's engine (speed only).</param>
internal sealed class TokenMethod(Bundle bundle, TokenCoderOptions tokens, HybridOptions? hybrid, int tableBits, int threads, NetworkEngineKind engine)
{
    /// <summary>Codes each chunk's tokens with its method; <paramref name="lengths"/> are the chunks' bytes.</summary>
    public byte[][] Encode(IReadOnlyList<int[]> streams, IReadOnlyList<ChunkMethod> methods, IReadOnlyList<int> lengths,
        CancellationToken cancellationToken, Action<int, int>? progress) =>
        TokenStreamCoder.Encode(streams, s => CreateCoder(methods, lengths, s), threads, cancellationToken, progress);

    /// <summary>Decodes each payload's <paramref name="counts"/> tokens; an invalid one throws with its stream in <see cref="TokenStreamCoder.StreamKey"/>.</summary>
    public int[][] Decode(IReadOnlyList<byte[]> payloads, IReadOnlyList<int> counts, IReadOnlyList<ChunkMethod> methods,
        IReadOnlyList<int> lengths, CancellationToken cancellationToken, Action<int, int>? progress) =>
        TokenStreamCoder.Decode(payloads, counts, s => CreateCoder(methods, lengths, s), threads, cancellationToken, progress);

    /// <summary>The bytes <paramref name="tokens"/> spell, which must be exactly <paramref name="length"/>.</summary>
    public byte[] Detokenize(int[] tokens, int length)
    {
        var output = new MemoryStream(length);
        foreach (int t in tokens)
        {
            var bytes = bundle.Tokenizer.TokenBytes(t);
            if (output.Length + bytes.Length > length) throw new InvalidDataException("decoded tokens exceed the recorded length");
            output.Write(bytes);
        }
        if (output.Length != length) throw new InvalidDataException("decoded tokens fall short of the recorded length");
        return output.ToArray();
    }

    /// <summary>
    /// A stream's coder. Streams run min(threads, streams) at a time; each network gets an equal
    /// share of the threads, which (like the engine) change its speed, never its outputs.
    /// </summary>
    private ITokenCoder CreateCoder(IReadOnlyList<ChunkMethod> methods, IReadOnlyList<int> lengths, int stream)
    {
        if (!methods[stream].UsesTransformer()) return TokenCoderFactory.Create(tokens, bundle.Tokenizer.VocabSize, null);
        int networkThreads = Math.Max(1, threads / Math.Min(threads, methods.Count));
        var neural = TokenCoderFactory.CreateNeural(tokens, bundle, networkThreads, engine);
        if (methods[stream] != ChunkMethod.TokenHybrid) return neural;
        var options = hybrid ?? throw new InvalidDataException("a hybrid chunk in a format without the hybrid");
        return new HybridTokenCoder((ITokenDistribution)neural, bundle.Trie, lengths[stream], tableBits, options);
    }
}
