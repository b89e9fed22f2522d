using Lmz.Modeling;

namespace Lmz.Coding;

/// <summary>
/// Codes token streams with their ensembles. Streams that share a network step in lockstep:
/// at position i every unfinished stream's previous token goes into one batched call, then each
/// stream predicts, codes and learns its own token. The decoder makes exactly the same calls,
/// so both sides see identical network outputs. Without a network, streams run independently
/// on up to <c>threads</c> threads; either way the bytes do not depend on the thread count.
/// </summary>
public static class TokenStreamCoder
{
    public static byte[][] Encode(IReadOnlyList<int[]> streams, Func<int, ITokenCodingModel> createModel,
        ITokenBatchStep? network, int threads, CancellationToken cancellationToken, Action<int, int>? progress = null)
    {
        var outputs = new MemoryStream[streams.Count];
        var encoders = new ArithmeticEncoder[streams.Count];
        for (int s = 0; s < streams.Count; s++) encoders[s] = new ArithmeticEncoder(outputs[s] = new MemoryStream());
        Run(streams.Select(t => t.Length).ToArray(), createModel, network, threads, cancellationToken,
            (s, i, model) =>
            {
                int token = streams[s][i];
                model.Encode(encoders[s], token);
                return token;
            }, progress);
        for (int s = 0; s < streams.Count; s++) encoders[s].Finish();
        return outputs.Select(o => o.ToArray()).ToArray();
    }

    public static int[][] Decode(IReadOnlyList<byte[]> payloads, IReadOnlyList<int> tokenCounts,
        Func<int, ITokenCodingModel> createModel, ITokenBatchStep? network, int threads, CancellationToken cancellationToken,
        Action<int, int>? progress = null)
    {
        var decoders = payloads.Select(p => new ArithmeticDecoder(p)).ToArray();
        var tokens = tokenCounts.Select(n => new int[n]).ToArray();
        Run(tokenCounts.ToArray(), createModel, network, threads, cancellationToken,
            (s, i, model) => tokens[s][i] = model.Decode(decoders[s]), progress);
        return tokens;
    }

    /// <summary>Codes token <paramref name="position"/> of stream <paramref name="stream"/>; returns the token.</summary>
    private delegate int CodeOne(int stream, int position, ITokenCodingModel model);

    /// <summary>Streams report progress every this many tokens.</summary>
    public const int ProgressInterval = 4096;

    private static void Run(int[] lengths, Func<int, ITokenCodingModel> createModel, ITokenBatchStep? network,
        int threads, CancellationToken cancellationToken, CodeOne codeOne, Action<int, int>? progress)
    {
        var models = new ITokenCodingModel[lengths.Length];
        for (int s = 0; s < lengths.Length; s++) models[s] = createModel(s);
        if (network == null)
        {
            ParallelLoop.For(lengths.Length, threads, cancellationToken, s =>
            {
                for (int i = 0; i < lengths[s]; i++)
                {
                    if ((i & (ProgressInterval - 1)) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (i > 0) progress?.Invoke(s, ProgressInterval);
                    }
                    codeOne(s, i, models[s]);
                }
            });
            return;
        }

        int longest = lengths.Length == 0 ? 0 : lengths.Max();
        var previous = new int[lengths.Length];
        for (int i = 0; i < longest; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            network.Step(previous, i);
            ParallelLoop.For(lengths.Length, threads, cancellationToken, s =>
            {
                if (i < lengths[s]) previous[s] = codeOne(s, i, models[s]);
            });
            if (i > 0 && (i & (ProgressInterval - 1)) == 0)
                for (int s = 0; s < lengths.Length; s++) if (i < lengths[s]) progress?.Invoke(s, ProgressInterval);
        }
    }
}

/// <summary>
/// A network evaluated once per position for a batch of streams in lockstep (the transformer).
/// <see cref="Step"/> feeds each stream's previous token (ignored at position 0) so that the
/// per-stream predictors can then read their rows.
/// </summary>
public interface ITokenBatchStep
{
    void Step(ReadOnlySpan<int> previousTokens, int position);
}
