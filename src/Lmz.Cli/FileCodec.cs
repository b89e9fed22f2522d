namespace Lmz.Cli;

/// <summary>
/// What turns one input into one output for <see cref="FileJob"/>: this process (<see cref="LocalCodec"/>)
/// or a cluster of workers (lmz-cluster). The job around it owns the files, the checks and the messages.
/// </summary>
public interface IFileCodec
{
    void Compress(Stream input, Stream output, CliSettings settings, IProgress<LmzProgress>? progress, CancellationToken cancel);

    void Decompress(Stream input, Stream output, CliSettings settings, IProgress<LmzProgress>? progress, CancellationToken cancel);
}

/// <summary>
/// Codes in this process. With --segment-size, each segment of the input becomes its own container
/// (member), written back to back: the layout lmz-cluster writes, so either can make the file.
/// </summary>
public sealed class LocalCodec : IFileCodec
{
    public static LocalCodec Instance { get; } = new();

    public void Compress(Stream input, Stream output, CliSettings settings, IProgress<LmzProgress>? progress, CancellationToken cancel)
    {
        var options = settings.CompressionOptions() with { Model = settings.Bundle };
        if (settings.SegmentSize is not { } segmentSize)
        {
            LmzCompressor.Compress(input, output, options with { Progress = progress }, cancel);
            return;
        }
        long done = 0, written = 0;
        foreach (byte[] segment in Segments.Cut(input, segmentSize))
        {
            cancel.ThrowIfCancellationRequested();
            var offset = progress == null ? null : new OffsetProgress(progress, done, written);
            byte[] member = LmzCompressor.Compress(segment, options with { Progress = offset });
            output.Write(member);
            done += segment.Length;
            written += member.Length;
            progress?.Report(new LmzProgress(done, written));
        }
    }

    public void Decompress(Stream input, Stream output, CliSettings settings, IProgress<LmzProgress>? progress, CancellationToken cancel) =>
        LmzCompressor.Decompress(input, output, new LmzDecompressionOptions
        {
            Threads = settings.EffectiveThreads,
            Engine = settings.Engine,
            ModelDirectories = settings.ModelDirectories,
            Progress = progress,
        }, cancel);
}

/// <summary>Reports a segment's progress after the segments before it.</summary>
public sealed class OffsetProgress(IProgress<LmzProgress> inner, long uncompressed, long compressed) : IProgress<LmzProgress>
{
    public void Report(LmzProgress value) => inner.Report(new LmzProgress(uncompressed + value.UncompressedBytes, compressed + value.CompressedBytes));
}

/// <summary>How an input is cut into segments: whole segments in order, the last one shorter, and one empty segment for an empty input.</summary>
public static class Segments
{
    /// <summary>The default segment size of lmz-cluster (docs/CLUSTER.md, "Segment size").</summary>
    public const int DefaultSize = 64 << 20;
    public const int MinSize = 1 << 12;
    /// <summary>A segment and its member travel as one message each; Orleans' limit is raised to fit (docs/CLUSTER.md).</summary>
    public const int MaxSize = 256 << 20;

    /// <summary>The segments of <paramref name="input"/>, each read when asked for, into an array of its own.</summary>
    public static IEnumerable<byte[]> Cut(Stream input, int size)
    {
        for (long index = 0; ; index++)
        {
            var segment = new byte[size];
            int length = input.ReadAtLeast(segment, size, throwOnEndOfStream: false);
            if (length == 0 && index > 0) yield break;
            if (length < size) Array.Resize(ref segment, length);
            yield return segment;
            if (length < size) yield break;
        }
    }
}
