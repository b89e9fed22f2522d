using Lmz.Coding;
using Lmz.Core;
using Lmz.Models.Tokens;

namespace Lmz.Methods;

/// <summary>
/// Codes token streams, each with its own model (see <see cref="TransformerTokenCoder"/> for
/// streams with the transformer), on up to <c>threads</c> threads. Streams share nothing, so the
/// bytes do not depend on the thread count or on which streams run at the same time. A model is
/// built when its stream starts and disposed when it ends, so memory holds only running streams.
/// </summary>
internal static class TokenStreamCoder
{
    public static byte[][] Encode(IReadOnlyList<int[]> streams, Func<int, ITokenCoder> createModel,
        int threads, CancellationToken cancellationToken, Action<int, int>? progress = null)
    {
        var outputs = new byte[streams.Count][];
        Run(streams.Count, createModel, threads, cancellationToken, (s, model) =>
        {
            var output = new MemoryStream();
            var encoder = new ArithmeticEncoder(output);
            var tokens = streams[s];
            (model as IEncoderLookahead)?.Foresee(tokens);
            CodeAll(s, tokens.Length, cancellationToken, progress, i => model.Encode(encoder, tokens[i]));
            encoder.Finish();
            outputs[s] = output.ToArray();
        });
        return outputs;
    }

    public static int[][] Decode(IReadOnlyList<byte[]> payloads, IReadOnlyList<int> tokenCounts,
        Func<int, ITokenCoder> createModel, int threads, CancellationToken cancellationToken,
        Action<int, int>? progress = null)
    {
        var tokens = tokenCounts.Select(n => new int[n]).ToArray();
        Run(payloads.Count, createModel, threads, cancellationToken, (s, model) =>
        {
            var decoder = new ArithmeticDecoder(payloads[s]);
            var output = tokens[s];
            CodeAll(s, output.Length, cancellationToken, progress, i => output[i] = model.Decode(decoder));
        });
        return tokens;
    }

    /// <summary>Key of <see cref="Exception.Data"/> holding the index of the stream whose payload was invalid.</summary>
    public const string StreamKey = "lmz.stream";

    /// <summary>Streams report progress every this many tokens.</summary>
    public const int ProgressInterval = 4096;

    /// <summary>Runs <paramref name="codeStream"/> for every stream with its own model, disposed afterwards.</summary>
    private static void Run(int streamCount, Func<int, ITokenCoder> createModel, int threads, CancellationToken cancellationToken,
        Action<int, ITokenCoder> codeStream)
    {
        ParallelLoop.For(streamCount, threads, cancellationToken, s =>
        {
            var model = createModel(s);
            try
            {
                codeStream(s, model);
            }
            catch (InvalidDataException e)
            {
                e.Data[StreamKey] = s; // names the stream for the caller's message
                throw;
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
        });
    }

    private static void CodeAll(int stream, int count, CancellationToken cancellationToken, Action<int, int>? progress, Action<int> codeOne)
    {
        for (int i = 0; i < count; i++)
        {
            if ((i & (ProgressInterval - 1)) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (i > 0) progress?.Invoke(stream, ProgressInterval);
            }
            codeOne(i);
        }
    }
}

