using Lmz.Container;
namespace Lmz.Tests;

public class StreamApiTests
{
    private static readonly Lazy<byte[]> Data = new(() => Inputs.Text(9000));

    private static LmzCompressionOptions Small => Options.Level1(4096);

    /// <summary>A writable stream that records whether it was disposed.</summary>
    private sealed class TrackingStream : MemoryStream
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync()
        {
            Disposed = true;
            return base.DisposeAsync();
        }
    }

    [Fact]
    public void Compression_and_decompression_streams_round_trip_synchronously()
    {
        var data = Data.Value;
        var packed = new MemoryStream();
        using (var lmz = new LmzCompressionStream(packed, Small, leaveOpen: true))
        {
            lmz.Write(data, 0, 100);
            lmz.Write(data.AsSpan(100));
        }
        Bytes.Equal(LmzCompressor.Compress(data, Small), packed.ToArray());

        packed.Position = 0;
        using var reader = new LmzDecompressionStream(packed, Options.Decode(), leaveOpen: true);
        var output = new MemoryStream();
        reader.CopyTo(output);
        Bytes.Equal(data, output.ToArray());
        Assert.Equal(0, reader.Read(new byte[10], 0, 10));
    }

    [Fact]
    public async Task Compression_and_decompression_streams_round_trip_asynchronously()
    {
        var data = Data.Value;
        var packed = new MemoryStream();
        await using (var lmz = new LmzCompressionStream(packed, Small, leaveOpen: true))
        {
            await lmz.WriteAsync(data.AsMemory(0, 5000));
            await lmz.WriteAsync(data, 5000, data.Length - 5000);
        }
        Bytes.Equal(LmzCompressor.Compress(data, Small), packed.ToArray());

        packed.Position = 0;
        await using var reader = new LmzDecompressionStream(packed, Options.Decode(), leaveOpen: true);
        var output = new MemoryStream();
        await reader.CopyToAsync(output);
        Bytes.Equal(data, output.ToArray());
        Assert.Equal(0, await reader.ReadAsync(new byte[10]));
    }

    [Fact]
    public async Task LmzCompressor_async_methods_round_trip_and_match_the_sync_ones()
    {
        var data = Data.Value;
        var packed = new MemoryStream();
        await LmzCompressor.CompressAsync(new MemoryStream(data), packed, Small);
        Bytes.Equal(LmzCompressor.Compress(data, Small), packed.ToArray());
        packed.Position = 0;
        var output = new MemoryStream();
        await LmzCompressor.DecompressAsync(packed, output, Options.Decode());
        Bytes.Equal(data, output.ToArray());
    }

    [Fact]
    public void Reading_one_byte_at_a_time_returns_the_same_bytes()
    {
        var data = Data.Value;
        var packed = LmzCompressor.Compress(data, Small);
        using var reader = new LmzDecompressionStream(new MemoryStream(packed), Options.Decode());
        var output = new List<byte>();
        int b;
        while ((b = reader.ReadByte()) >= 0) output.Add((byte)b);
        Bytes.Equal(data, [.. output]);
    }

    [Fact]
    public void Disposing_the_streams_disposes_the_inner_stream_unless_leaveOpen()
    {
        var packed = new TrackingStream();
        using (var lmz = new LmzCompressionStream(packed, Small)) lmz.Write("abc"u8);
        Assert.True(packed.Disposed);

        var kept = new TrackingStream();
        using (var lmz = new LmzCompressionStream(kept, Small, leaveOpen: true)) lmz.Write("abc"u8);
        Assert.False(kept.Disposed);
        Assert.Equal("abc"u8.ToArray(), LmzCompressor.Decompress(kept.ToArray(), Options.Decode()));

        var input = new TrackingStream();
        input.Write(kept.ToArray());
        input.Position = 0;
        using (var reader = new LmzDecompressionStream(input, Options.Decode(), leaveOpen: true)) reader.CopyTo(Stream.Null);
        Assert.False(input.Disposed);
        using (var reader = new LmzDecompressionStream(input, Options.Decode())) { }
        Assert.True(input.Disposed);
    }

    [Fact]
    public async Task Async_disposal_also_honours_leaveOpen()
    {
        var packed = new TrackingStream();
        await using (var lmz = new LmzCompressionStream(packed, Small)) await lmz.WriteAsync("abc"u8.ToArray());
        Assert.True(packed.Disposed);

        var kept = new TrackingStream();
        await using (var lmz = new LmzCompressionStream(kept, Small, leaveOpen: true)) await lmz.WriteAsync("abc"u8.ToArray());
        Assert.False(kept.Disposed);
        Assert.Equal("abc"u8.ToArray(), LmzCompressor.Decompress(kept.ToArray(), Options.Decode()));
    }

    [Fact]
    public void Non_seekable_inputs_work_everywhere()
    {
        var data = Data.Value;
        // Compression from a non-seekable source that returns at most 7 bytes per read.
        var packed = new MemoryStream();
        LmzCompressor.Compress(new NonSeekableStream(data, maxRead: 7), packed, Small);
        Bytes.Equal(LmzCompressor.Compress(data, Small), packed.ToArray());
        var container = packed.ToArray();

        var output = new MemoryStream();
        LmzCompressor.Decompress(new NonSeekableStream(container, maxRead: 3), output, Options.Decode());
        Bytes.Equal(data, output.ToArray());

        using var reader = new LmzDecompressionStream(new NonSeekableStream(container, maxRead: 5), Options.Decode());
        output = new MemoryStream();
        reader.CopyTo(output);
        Bytes.Equal(data, output.ToArray());

        var info = LmzContainerInfo.Read(new NonSeekableStream(container, maxRead: 11));
        Assert.Equal(data.Length, info.UncompressedLength);
        Assert.Equal(container.Length, info.CompressedLength);
    }

    [Fact]
    public async Task Non_seekable_inputs_work_asynchronously()
    {
        var data = Data.Value;
        var packed = new MemoryStream();
        await LmzCompressor.CompressAsync(new NonSeekableStream(data, maxRead: 13), packed, Small);
        var output = new MemoryStream();
        await using var reader = new LmzDecompressionStream(new NonSeekableStream(packed.ToArray(), maxRead: 5), Options.Decode());
        await reader.CopyToAsync(output);
        Bytes.Equal(data, output.ToArray());
    }

    [Fact]
    public void Streams_advertise_their_direction_and_reject_the_other()
    {
        using var lmz = new LmzCompressionStream(new MemoryStream(), Small);
        Assert.True(lmz.CanWrite);
        Assert.False(lmz.CanRead);
        Assert.False(lmz.CanSeek);
        Assert.Throws<NotSupportedException>(() => lmz.Read(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => lmz.Length);
        Assert.Throws<NotSupportedException>(() => lmz.Seek(0, SeekOrigin.Begin));

        using var reader = new LmzDecompressionStream(new MemoryStream(LmzCompressor.Compress([], Small)), Options.Decode());
        Assert.True(reader.CanRead);
        Assert.False(reader.CanWrite);
        Assert.False(reader.CanSeek);
        Assert.Throws<NotSupportedException>(() => reader.Write(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => reader.Position);
    }

    [Fact]
    public void Using_a_disposed_stream_throws_ObjectDisposedException()
    {
        var lmz = new LmzCompressionStream(new MemoryStream(), Small);
        lmz.Dispose();
        Assert.False(lmz.CanWrite);
        Assert.Throws<ObjectDisposedException>(() => lmz.Write(new byte[1], 0, 1));
        lmz.Dispose(); // idempotent

        var reader = new LmzDecompressionStream(new MemoryStream(LmzCompressor.Compress([], Small)), Options.Decode());
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.Read(new byte[1], 0, 1));
    }

    [Fact]
    public void Streams_reject_inner_streams_of_the_wrong_direction()
    {
        Assert.Throws<ArgumentException>(() => new LmzCompressionStream(new MemoryStream([], writable: false), Small));
        Assert.Throws<ArgumentException>(() => new LmzDecompressionStream(new WriteOnlyStream()));
        Assert.Throws<ArgumentNullException>(() => new LmzCompressionStream(null!, Small));
    }

    private sealed class WriteOnlyStream : MemoryStream
    {
        public override bool CanRead => false;
    }

    [Theory]
    [InlineData(0, 2, 4096)]
    [InlineData(10, 2, 4096)]
    [InlineData(1, 0, 4096)]
    [InlineData(1, 2, 4095)]
    [InlineData(1, 2, (64 << 20) + 1)]
    public void Invalid_options_are_rejected(int level, int threads, int chunkSize)
    {
        var options = new LmzCompressionOptions { Level = level, Threads = threads, ChunkSize = chunkSize };
        Assert.Throws<ArgumentOutOfRangeException>(() => LmzCompressor.Compress([1, 2, 3], options));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LmzCompressionStream(new MemoryStream(), options));
    }

    [Fact]
    public void Progress_reports_bytes_for_each_group()
    {
        var data = Inputs.Text(4096 * 9 + 500);
        var reports = new List<LmzProgress>();
        var progress = new SyncProgress(reports.Add);
        var packed = LmzCompressor.Compress(data, Small with { Progress = progress });
        Assert.True(reports.Count >= 2, $"{reports.Count} compression reports");
        Assert.Equal(data.Length, reports[^1].UncompressedBytes);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.UncompressedBytes <= p.Second.UncompressedBytes));

        reports.Clear();
        LmzCompressor.Decompress(packed, new LmzDecompressionOptions { Threads = 2, Progress = progress });
        Assert.True(reports.Count >= 2, $"{reports.Count} decompression reports");
        Assert.Equal(data.Length, reports[^1].UncompressedBytes);
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<LmzProgress> report) : IProgress<LmzProgress>
    {
        public void Report(LmzProgress value) => report(value);
    }

    private static readonly Lazy<byte[]> Large = new(() => Inputs.Text(8 << 20));

    /// <summary>
    /// Cancels the token once the compressor has read past <paramref name="cancelAfter"/> bytes, so the
    /// cancellation lands mid-run on any machine (a timer could fire late on a starved thread pool).
    /// </summary>
    private sealed class CancellingStream(byte[] data, CancellationTokenSource cts, long cancelAfter) : MemoryStream(data, writable: false)
    {
        // MemoryStream calls the array overload from its Span one when derived, so that is the one to hook.
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= cancelAfter) cts.Cancel();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            var copy = new byte[buffer.Length];
            int n = Read(copy, 0, copy.Length);
            copy.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_token_cancelled_during_compression_of_a_larger_input_stops_it(bool useAsync)
    {
        using var cts = new CancellationTokenSource();
        var input = new CancellingStream(Large.Value, cts, cancelAfter: 1 << 20);
        var options = Options.Level1(256 << 10);
        if (useAsync)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LmzCompressor.CompressAsync(input, Stream.Null, options, cts.Token));
        else
            Assert.ThrowsAny<OperationCanceledException>(() => LmzCompressor.Compress(input, Stream.Null, options, cts.Token));
        Assert.True(cts.IsCancellationRequested);
        Assert.True(input.Position < Large.Value.Length / 2, $"read {input.Position} of {Large.Value.Length} bytes after cancelling at 1 MiB");
    }

    [Fact]
    public async Task Cancelling_from_the_first_progress_report_stops_compression()
    {
        // Deterministic whatever the speed: two groups of chunks, cancelled as soon as progress is reported.
        var data = Inputs.Text(4096 * 9 + 500);
        foreach (bool useAsync in new[] { false, true })
        {
            using var cts = new CancellationTokenSource();
            var options = Small with { Progress = new SyncProgress(_ => cts.Cancel()) };
            if (useAsync)
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LmzCompressor.CompressAsync(new MemoryStream(data), Stream.Null, options, cts.Token));
            else
                Assert.ThrowsAny<OperationCanceledException>(() => LmzCompressor.Compress(new MemoryStream(data), Stream.Null, options, cts.Token));
        }
    }

    [Fact]
    public async Task Cancelling_during_decompression_throws_OperationCanceledException()
    {
        // Cancel from the progress report of the first group of a two-group container.
        var data = Inputs.Text(4096 * 9 + 500);
        var packed = LmzCompressor.Compress(data, Small);
        foreach (bool useAsync in new[] { false, true })
        {
            using var cts = new CancellationTokenSource();
            var options = new LmzDecompressionOptions { Threads = 2, Progress = new SyncProgress(_ => cts.Cancel()) };
            var output = new MemoryStream();
            if (useAsync)
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => LmzCompressor.DecompressAsync(new MemoryStream(packed), output, options, cts.Token));
            else
                Assert.ThrowsAny<OperationCanceledException>(() => LmzCompressor.Decompress(new MemoryStream(packed), output, options, cts.Token));
        }
    }

    [Fact]
    public void A_token_cancelled_before_the_call_throws_without_output_beyond_the_header()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var output = new MemoryStream();
        Assert.ThrowsAny<OperationCanceledException>(() => LmzCompressor.Compress(new MemoryStream(Data.Value), output, Small, cts.Token));
        Assert.True(output.Length <= Container.ContainerFormat.MaxHeaderSize, $"{output.Length} bytes written");
    }
}
