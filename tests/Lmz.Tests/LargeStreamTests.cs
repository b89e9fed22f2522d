using Lmz.Container;
using Lmz.Formats;
using Lmz.Methods;

namespace Lmz.Tests;

/// <summary>
/// Offsets and lengths past 2^32 in the reader, the record parser and the container's summary: a
/// container of 65 stored 64 MiB chunks (4160 MiB), made on the fly from one block and never stored,
/// is read and decoded, and the output checked byte for byte. The writer's side is bench/large.sh,
/// which streams 4.5 GiB through `lmz -1 -c | lmz -d -c`.
/// </summary>
public class LargeStreamTests
{
    private const int ChunkLength = 64 << 20;
    private const int ChunkCount = 65;
    private const long Length = (long)ChunkLength * ChunkCount;

    private static readonly Lazy<(byte[] Block, byte[][] Parts)> Synthetic = new(() =>
    {
        var block = new byte[ChunkLength];
        new Random(4).NextBytes(block);
        var header = new FileHeader(1, ChunkLength, LmzModelBundle.Default.Fingerprint, InferenceFingerprint.For(LevelProfile.For(1))).ToBytes();
        var record = new ChunkRecord(ChunkMethod.Stored, ChunkLength, ChunkLength, 0, ContainerFormat.Crc(block)).ToBytes(block);
        var hash = new System.IO.Hashing.XxHash64();
        for (int i = 0; i < ChunkCount; i++) hash.Append(block);
        var parts = new List<byte[]> { header };
        for (int i = 0; i < ChunkCount; i++) parts.AddRange([record, block]);
        parts.Add(EndRecord.ToBytes(hash.GetCurrentHashAsUInt64(), ChunkCount));
        return (block, [.. parts]);
    });

    [Fact]
    public void A_container_past_4_GiB_decodes_with_its_offsets_and_lengths_in_64_bits()
    {
        var (block, parts) = Synthetic.Value;
        long lastProgress = 0;
        var restored = new CheckingSink(block);

        LmzCompressor.Decompress(new PartsStream(parts), restored, Options.Decode(threads: 2) with { Progress = new Progress(p => lastProgress = p.CompressedBytes) });

        long containerLength = parts.Sum(p => (long)p.Length);
        Assert.True(containerLength > 1L << 32);
        Assert.Equal(Length, restored.Position);
        Assert.Equal(containerLength, lastProgress);
    }

    [Fact]
    public void The_summary_of_a_container_past_4_GiB_counts_in_64_bits()
    {
        var (_, parts) = Synthetic.Value;

        var info = LmzContainerInfo.Read(new PartsStream(parts));

        Assert.Equal((Length, parts.Sum(p => (long)p.Length), ChunkCount), (info.UncompressedLength, info.CompressedLength, info.Chunks.Count));
    }

    private sealed class Progress(Action<LmzProgress> report) : IProgress<LmzProgress>
    {
        public void Report(LmzProgress value) => report(value);
    }

    /// <summary>The parts one after the other, read without copying them into one array.</summary>
    private sealed class PartsStream(byte[][] parts) : Stream
    {
        private int _part;
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_part < parts.Length && _offset == parts[_part].Length) (_part, _offset) = (_part + 1, 0);
            if (_part == parts.Length) return 0;
            int n = Math.Min(buffer.Length, parts[_part].Length - _offset);
            parts[_part].AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Checks that what is written is <paramref name="block"/> repeated, and counts it.</summary>
    private sealed class CheckingSink(byte[] block) : Stream
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            for (int done = 0; done < buffer.Length;)
            {
                int at = (int)((Position + done) % block.Length);
                int take = Math.Min(buffer.Length - done, block.Length - at);
                if (!buffer.Slice(done, take).SequenceEqual(block.AsSpan(at, take))) Assert.Fail($"wrong bytes at offset {Position + done}");
                done += take;
            }
            Position += buffer.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Position;
        public override long Position { get; set; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    }
}
