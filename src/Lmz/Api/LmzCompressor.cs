using Lmz.Container;

namespace Lmz;

/// <summary>One-call compression and decompression between streams.</summary>
public static class LmzCompressor
{
    private const int CopyBufferSize = 1 << 16;

    /// <summary>Compresses all of <paramref name="input"/> (read to its end) into <paramref name="output"/>.</summary>
    public static void Compress(Stream input, Stream output, LmzCompressionOptions? options = null, CancellationToken cancellationToken = default) =>
        CompressCore(input, output, options ?? new(), useAsync: false, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Compress(Stream, Stream, LmzCompressionOptions?, CancellationToken)"/>.</summary>
    public static Task CompressAsync(Stream input, Stream output, LmzCompressionOptions? options = null, CancellationToken cancellationToken = default) =>
        CompressCore(input, output, options ?? new(), useAsync: true, cancellationToken).AsTask();

    /// <summary>
    /// Decompresses <paramref name="input"/> to its end: one container, or several joined back to back,
    /// whose contents are written one after the other. Throws <see cref="InvalidDataException"/> on any
    /// corruption, on a truncated container, and on trailing bytes that do not start a container.
    /// </summary>
    public static void Decompress(Stream input, Stream output, LmzDecompressionOptions? options = null, CancellationToken cancellationToken = default) =>
        DecompressCore(input, output, options ?? new(), useAsync: false, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Decompress(Stream, Stream, LmzDecompressionOptions?, CancellationToken)"/>.</summary>
    public static Task DecompressAsync(Stream input, Stream output, LmzDecompressionOptions? options = null, CancellationToken cancellationToken = default) =>
        DecompressCore(input, output, options ?? new(), useAsync: true, cancellationToken).AsTask();

    /// <summary>Compresses <paramref name="data"/> into a new .lmz container.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> data, LmzCompressionOptions? options = null)
    {
        var output = new MemoryStream();
        Compress(new MemoryStream(data.ToArray()), output, options);
        return output.ToArray();
    }

    /// <summary>Decompresses a container (or several joined) held in memory.</summary>
    public static byte[] Decompress(ReadOnlySpan<byte> container, LmzDecompressionOptions? options = null)
    {
        var output = new MemoryStream();
        Decompress(new MemoryStream(container.ToArray()), output, options);
        return output.ToArray();
    }

    private static async ValueTask CompressCore(Stream input, Stream output, LmzCompressionOptions options, bool useAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new ContainerWriter(output, options.ToWriterSettings());
        var buffer = new byte[CopyBufferSize];
        while (true)
        {
            int n = useAsync ? await input.ReadAsync(buffer, cancellationToken) : input.Read(buffer);
            if (n == 0) break;
            await writer.WriteAsync(buffer.AsMemory(0, n), useAsync, cancellationToken);
        }
        await writer.FinishAsync(useAsync, cancellationToken);
    }

    private static async ValueTask DecompressCore(Stream input, Stream output, LmzDecompressionOptions options, bool useAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var reader = new ContainerReader(input, options.ToReaderSettings());
        while (!reader.Finished)
        {
            foreach (var chunk in await reader.ReadGroupAsync(useAsync, cancellationToken))
            {
                if (useAsync) await output.WriteAsync(chunk, cancellationToken); else output.Write(chunk);
            }
        }
        if (useAsync) await output.FlushAsync(cancellationToken); else output.Flush();
    }
}
