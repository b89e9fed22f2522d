using Lmz.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Lmz.Cluster;

/// <summary>
/// lmz-cluster's coding: compression cuts the input into segments and has workers code each into a
/// member, the layout `lmz --segment-size` writes; decompression finds the members from their records
/// and has workers decode them. Either way the output is written in input order (docs/CLUSTER.md).
/// </summary>
public sealed class ClusterCodec(Func<ClusterConfiguration> configure, int? window, TextWriter? log, string name) : IFileCodec
{
    public void Compress(Stream input, Stream output, CliSettings settings, IProgress<LmzProgress>? progress, CancellationToken cancel)
    {
        string bundle = (settings.Bundle ?? LmzModelBundle.Default).FingerprintHex;
        int size = settings.SegmentSize ?? Segments.DefaultSize;
        Run(Cut(input, size, bundle, settings), output, progress, _ => throw new InvalidOperationException("compression codes nothing locally"), cancel);
    }

    private static IEnumerable<Segment> Cut(Stream input, int size, string bundle, CliSettings settings) =>
        Segments.Cut(input, size).Select((data, index) => new Segment(index, SegmentWork.Compress, bundle, (long)index * size, data)
        {
            Level = settings.Level,
            ChunkSize = settings.ChunkSize,
            PlainLength = data.Length,
        });

    public void Decompress(Stream input, Stream output, CliSettings settings, IProgress<LmzProgress>? progress, CancellationToken cancel)
    {
        using var spool = input.CanSeek ? null : Spool(input, cancel);
        var source = spool ?? input;
        long start = source.Position;
        var members = LmzContainerInfo.ReadEach(source).Select(m => (m.CompressedLength, m.UncompressedLength, m.ModelFingerprint)).ToList();
        source.Position = start;
        var local = new LmzDecompressionOptions { Threads = settings.EffectiveThreads, Engine = settings.Engine, ModelDirectories = settings.ModelDirectories };
        Run(Members(source, start, members), output, progress, segment =>
        {
            using var counting = new CountingStream(output);
            LmzCompressor.Decompress(new BoundedStream(source, segment.Offset, segment.PackedLength), counting, local, cancel);
            return counting.BytesWritten;
        }, cancel);
    }

    /// <summary>Each member's bytes, read when the window has room; a member too large for one message is left to the client.</summary>
    private static IEnumerable<Segment> Members(Stream source, long start, List<(long Packed, long Plain, string Bundle)> members)
    {
        long offset = start;
        for (int i = 0; i < members.Count; i++)
        {
            var (packed, plain, bundle) = members[i];
            bool local = packed > Segments.MaxSize || plain > Segments.MaxSize;
            byte[]? data = null;
            if (!local)
            {
                source.Position = offset;
                data = new byte[packed];
                source.ReadExactly(data);
            }
            yield return new Segment(i, SegmentWork.Decompress, bundle, offset - start, data) { PlainLength = plain, PackedLength = packed, Local = local };
            offset += packed;
        }
    }

    /// <summary>Standard input is copied to a temporary file first, since the members are found before any is sent.</summary>
    private static FileStream Spool(Stream input, CancellationToken cancel)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        input.CopyToAsync(file, cancel).GetAwaiter().GetResult();
        file.Position = 0;
        return file;
    }

    private void Run(IEnumerable<Segment> segments, Stream output, IProgress<LmzProgress>? progress, Func<Segment, long> local, CancellationToken cancel) =>
        RunAsync(segments, output, progress, local, cancel).GetAwaiter().GetResult();

    private async Task RunAsync(IEnumerable<Segment> segments, Stream output, IProgress<LmzProgress>? progress, Func<Segment, long> local, CancellationToken cancel)
    {
        var configuration = configure();
        using var host = await configuration.ConnectAsync(cancel);
        try
        {
            using var pool = await WorkerPool.ConnectAsync(host.Services.GetRequiredService<IClusterClient>(), configuration);
            await new SegmentDispatcher(pool, window, log, name).RunAsync(segments, output, progress, local, cancel);
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}

/// <summary>A read-only window onto part of a seekable stream: one member of a file.</summary>
public sealed class BoundedStream(Stream inner, long start, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted <= 0) return 0;
        inner.Position = start + _position;
        int n = inner.Read(buffer[..wanted]);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
