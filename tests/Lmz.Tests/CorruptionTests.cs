using System.IO.Hashing;
using System.Text;
using Lmz.Container;
using Lmz.Methods;

namespace Lmz.Tests;

/// <summary>
/// Bad input handled as carefully as good: every single-byte corruption and every truncation of
/// a small container throws InvalidDataException (never wrong bytes, never a hang), and failures
/// inside a chunk name the chunk. Crafted inconsistencies with valid checksums as well.
/// </summary>
public class CorruptionTests
{
    // Long enough for a loaded CI machine (a cut container timed out at 20 s once, session 7); a hang still fails.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<(byte[] Original, byte[] Container)> Small = new(() =>
    {
        // ~5000 bytes of alice29 in 4096-byte chunks: two chunks.
        var original = Repo.Alice[..5000];
        return (original, LmzCompressor.Compress(original, Options.Level1(4096)));
    });

    /// <summary>What a byte position of the container belongs to.</summary>
    private sealed record Region(string Kind, int Chunk);

    private static Region[] Layout(byte[] container)
    {
        var map = ContainerEdits.Parse(container);
        var regions = new Region[container.Length];
        for (int pos = 0; pos < map.HeaderLength; pos++) regions[pos] = new Region("header", -1);
        for (int chunk = 0; chunk < map.Chunks.Count; chunk++)
        {
            var part = map.Chunks[chunk];
            for (int pos = part.RecordStart; pos < part.PayloadStart; pos++) regions[pos] = new Region("record", chunk);
            for (int pos = part.PayloadStart; pos < part.End; pos++) regions[pos] = new Region("payload", chunk);
        }
        for (int pos = map.EndStart; pos < container.Length; pos++) regions[pos] = new Region("end", map.Chunks.Count);
        Assert.All(regions, Assert.NotNull);
        return regions;
    }

    public enum Route { Compressor, SyncStream, AsyncStream }

    internal static byte[] Decode(byte[] container, Route path)
    {
        switch (path)
        {
            case Route.Compressor:
                return LmzCompressor.Decompress(container, Options.Decode());
            case Route.SyncStream:
            {
                using var stream = new LmzDecompressionStream(new MemoryStream(container), Options.Decode());
                var output = new MemoryStream();
                stream.CopyTo(output);
                return output.ToArray();
            }
            default:
                return Task.Run(async () =>
                {
                    await using var stream = new LmzDecompressionStream(new MemoryStream(container), Options.Decode());
                    var output = new MemoryStream();
                    await stream.CopyToAsync(output);
                    return output.ToArray();
                }).GetAwaiter().GetResult();
        }
    }

    /// <summary>Runs the decoder under a timeout; returns the exception it threw, failing if it returned or hung.</summary>
    internal static Exception DecodeExpectingFailure(byte[] container, Route path, string what)
    {
        var task = Task.Run(() => Decode(container, path));
        try
        {
            if (!task.Wait(Timeout)) Assert.Fail($"{what}: decoder still running after {Timeout.TotalSeconds} s (hang?)");
        }
        catch (AggregateException ae) when (ae.InnerExceptions.Count == 1)
        {
            return ae.InnerExceptions[0];
        }
        var result = task.Result;
        Assert.Fail($"{what}: decoded without error ({result.Length} bytes, {(result.AsSpan().SequenceEqual(Small.Value.Original) ? "the original" : "WRONG bytes")})");
        throw new InvalidOperationException();
    }

    private static void AssertInvalidData(Exception ex, string what)
    {
        Assert.True(ex is InvalidDataException, $"{what}: threw {ex.GetType().Name} instead of InvalidDataException: {ex.Message}");
    }

    [Fact]
    public void The_small_container_has_two_chunks_and_decodes()
    {
        var (original, container) = Small.Value;
        Assert.Equal(2, LmzContainerInfo.Read(new MemoryStream(container)).Chunks.Count);
        foreach (var path in Enum.GetValues<Route>()) Bytes.Equal(original, Decode(container, path));
    }

    [Theory]
    [InlineData(Route.Compressor)]
    [InlineData(Route.SyncStream)]
    [InlineData(Route.AsyncStream)]
    public void Every_single_byte_corruption_throws_InvalidDataException_naming_the_chunk(Route path)
    {
        var container = Small.Value.Container;
        var layout = Layout(container);
        var failures = new List<string>();
        for (int pos = 0; pos < container.Length; pos++)
        {
            foreach (var (name, change) in new (string, Func<byte, byte>)[] { ("^0xFF", b => (byte)(b ^ 0xFF)), ("+1", b => (byte)(b + 1)) })
            {
                var corrupt = (byte[])container.Clone();
                corrupt[pos] = change(corrupt[pos]);
                string what = $"byte {pos} ({layout[pos].Kind} {layout[pos].Chunk}) {name}";
                var ex = DecodeExpectingFailure(corrupt, path, what);
                if (ex is not InvalidDataException) { failures.Add($"{what}: {ex.GetType().Name}: {ex.Message}"); continue; }
                if (layout[pos].Kind is "record" or "payload" && !ex.Message.Contains($"chunk {layout[pos].Chunk}", StringComparison.Ordinal))
                    failures.Add($"{what}: message does not name chunk {layout[pos].Chunk}: {ex.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Theory]
    [InlineData(Route.Compressor)]
    [InlineData(Route.SyncStream)]
    [InlineData(Route.AsyncStream)]
    public void Every_truncation_throws_InvalidDataException(Route path)
    {
        var container = Small.Value.Container;
        var layout = Layout(container);
        var failures = new List<string>();
        for (int length = 0; length < container.Length; length++)
        {
            string what = $"truncated to {length} bytes";
            var ex = DecodeExpectingFailure(container[..length], path, what);
            if (ex is not InvalidDataException) { failures.Add($"{what}: {ex.GetType().Name}: {ex.Message}"); continue; }
            // Cut inside a record or payload: the message names that chunk.
            if (layout[length].Kind is "record" or "payload"
                && !ex.Message.Contains($"chunk {layout[length].Chunk}", StringComparison.Ordinal))
                failures.Add($"{what}: message does not name chunk {layout[length].Chunk}: {ex.Message}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    [Fact]
    public void Container_info_rejects_every_truncation_and_every_corrupt_byte_but_the_content_hash()
    {
        var container = Small.Value.Container;
        var layout = Layout(container);
        for (int length = 0; length < container.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => LmzContainerInfo.Read(new MemoryStream(container[..length])));
            Assert.Throws<InvalidDataException>(() => LmzContainerInfo.Read(new NonSeekableStream(container[..length])));
        }
        // From format 13 a record's check covers its payload, so Info reads payloads too. The end
        // record's XxHash64 (its last 8 bytes) is a hash of the decoded content: only decoding checks it.
        for (int pos = 0; pos < container.Length - 8; pos++)
        {
            var corrupt = (byte[])container.Clone();
            corrupt[pos] ^= 0xFF;
            Assert.Throws<InvalidDataException>(() => LmzContainerInfo.Read(new MemoryStream(corrupt)));
        }
    }

    [Theory]
    [InlineData(Route.Compressor)]
    [InlineData(Route.SyncStream)]
    [InlineData(Route.AsyncStream)]
    public void Trailing_garbage_after_the_end_record_throws(Route path)
    {
        var container = Small.Value.Container;
        // A whole container after the end record is another member (ConcatenationTests); a prefix of the magic is not.
        foreach (var tail in new byte[][] { [0], [0xFF], "garbage"u8.ToArray(), "LMZ"u8.ToArray(), new byte[64] })
        {
            var ex = DecodeExpectingFailure([.. container, .. tail], path, $"{tail.Length} trailing bytes");
            AssertInvalidData(ex, "trailing garbage");
            Assert.Contains("trailing", ex.Message);
        }
        Assert.Throws<InvalidDataException>(() => LmzContainerInfo.Read(new MemoryStream([.. container, 1])));
    }

    public static TheoryData<string, byte[]> NotLmz => new()
    {
        { "empty", [] },
        { "one byte", [(byte)'L'] },
        { "three magic bytes", "LMZ"u8.ToArray() },
        { "text", "Alice was beginning to get very tired of sitting by her sister"u8.ToArray() },
        { "gzip header", [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
        { "zeros", new byte[100] },
        { "random", Bytes.Random(1000, 5) },
    };

    [Theory]
    [MemberData(nameof(NotLmz))]
    public void Input_that_is_not_an_lmz_file_says_so(string what, byte[] data)
    {
        foreach (var path in Enum.GetValues<Route>())
        {
            var ex = DecodeExpectingFailure(data, path, what);
            AssertInvalidData(ex, what);
            Assert.Contains("not an lmz file", ex.Message);
        }
        var info = Assert.Throws<InvalidDataException>(() => LmzContainerInfo.Read(new MemoryStream(data)));
        Assert.True(info.Message.Contains("not an lmz file") || info.Message.Contains("truncated"), info.Message);
    }

    [Fact]
    public void Unsupported_version_is_named()
    {
        var corrupt = (byte[])Small.Value.Container.Clone();
        corrupt[4] = 2; // the format whose mixer summed in index order: refused before its checksum is read
        var ex = DecodeExpectingFailure(corrupt, Route.Compressor, "version 2");
        AssertInvalidData(ex, "version 2");
        Assert.Contains("version 2", ex.Message);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(255)]
    public void A_newer_format_is_named_as_made_by_a_newer_lmz(byte version)
    {
        var newer = (byte[])Small.Value.Container.Clone();
        newer[4] = version;
        string expected = $"made by a newer lmz (format {version}); this lmz reads formats 6–15";
        foreach (var path in Enum.GetValues<Route>())
            Assert.Equal(expected, DecodeExpectingFailure(newer, path, "newer").Message);
        Assert.Equal(expected, Assert.Throws<InvalidDataException>(() => LmzContainerInfo.Read(new MemoryStream(newer))).Message);
    }

    // ---- the model bundle fingerprint ----

    [Fact]
    public void A_file_is_decoded_with_the_installed_bundle_it_names_and_refused_naming_a_missing_one()
    {
        using var dir = new TempDir();
        var lines = File.ReadAllLines(Path.Combine(LmzModelBundle.Default.Directory, LmzModelBundle.TokenizerFile));
        // Swap the token bytes of two merges (ranks stay in place): a valid but different tokenizer.
        string a = lines[300].Split(' ')[0], b = lines[301].Split(' ')[0];
        lines[300] = $"{b} 300";
        lines[301] = $"{a} 301";
        string bundleDir = dir.File("alt");
        Directory.CreateDirectory(bundleDir);
        File.WriteAllText(Path.Combine(bundleDir, LmzModelBundle.TokenizerFile), string.Join('\n', lines) + "\n", Encoding.ASCII);
        var other = LmzModelBundle.Load(bundleDir);
        Assert.NotEqual(LmzModelBundle.Default.FingerprintHex, other.FingerprintHex);

        // A file of the default bundle decodes even when another bundle is offered first.
        var container = Small.Value.Container;
        Bytes.Equal(Small.Value.Original, LmzCompressor.Decompress(container, new LmzDecompressionOptions { Model = other }));
        using (var stream = new LmzDecompressionStream(new MemoryStream(container), new LmzDecompressionOptions { Model = other }))
        {
            var output = new MemoryStream();
            stream.CopyTo(output);
            Bytes.Equal(Small.Value.Original, output.ToArray());
        }

        // A file of a bundle that is not installed is refused, naming it; given its folder, it decodes.
        var made = LmzCompressor.Compress(Small.Value.Original, Options.Level1(4096) with { Model = other });
        // The file names the fingerprint's first 8 bytes (format 13 on).
        string named = LmzContainerInfo.Read(new MemoryStream(made)).ModelFingerprint;
        Assert.Equal(other.FingerprintHex[..(2 * ContainerFormat.CompactFingerprintSize)], named);
        var missing = Assert.Throws<InvalidDataException>(() => LmzCompressor.Decompress(made, Options.Decode()));
        Assert.Contains(named, missing.Message);
        Assert.Contains("not installed", missing.Message);
        Bytes.Equal(Small.Value.Original, LmzCompressor.Decompress(made, new LmzDecompressionOptions { ModelDirectories = [bundleDir] }));
        Bytes.Equal(Small.Value.Original, LmzCompressor.Decompress(made, new LmzDecompressionOptions { ModelDirectories = [dir.Path] })); // a folder of bundles
        Bytes.Equal(Small.Value.Original, LmzCompressor.Decompress(made, new LmzDecompressionOptions { Model = other }));
    }

    // ---- crafted containers: inconsistent fields with valid checksums (ContainerEdits) ----

    private static void AssertCraftedFails(byte[] crafted, string what, string? mustContain = null)
    {
        foreach (var path in Enum.GetValues<Route>())
        {
            var ex = DecodeExpectingFailure(crafted, path, $"{what} ({path})");
            AssertInvalidData(ex, $"{what} ({path})");
            if (mustContain != null) Assert.Contains(mustContain, ex.Message);
        }
    }

    [Theory]
    [InlineData(2, "chunk ")]
    [InlineData(3, "chunk ")]
    // A level-1 file names no network (inference fingerprint 0); levels 4+ must name theirs.
    [InlineData(4, "network specification")]
    [InlineData(6, "network specification")]
    [InlineData(9, "network specification")]
    public void A_header_whose_level_was_changed_fails(int level, string expected)
    {
        var crafted = ContainerEdits.WithHeader(Small.Value.Container, h => h with { Level = (byte)level });
        AssertCraftedFails(crafted, $"level {level}", expected);
    }

    [Fact]
    public void A_header_with_an_invalid_chunk_size_fails()
    {
        foreach (int size in new[] { 0, 4095, (64 << 20) + 1, Varint.MaxValue })
        {
            var crafted = ContainerEdits.WithHeader(Small.Value.Container, h => h with { ChunkSize = size });
            AssertCraftedFails(crafted, $"chunk size {size}", "chunk size");
        }
    }

    /// <summary>2,000 bytes of alice29.txt at level 7: one chunk of text tokens over the trie (method 7).</summary>
    private static readonly Lazy<(byte[] Original, byte[] Container)> Hybrid = new(() =>
    {
        var original = Repo.Alice.AsSpan(1000, 2000).ToArray();
        return (original, LmzCompressor.Compress(original, new LmzCompressionOptions { Level = 7, Threads = 1 }));
    });

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(500)]
    [InlineData(2001)]
    public void A_record_with_a_wrong_token_count_fails_naming_the_chunk(int delta)
    {
        Assert.Equal(ChunkMethod.TokenHybrid, ContainerEdits.Parse(Hybrid.Value.Container).Chunks[0].Record.Method);
        var crafted = ContainerEdits.WithChunk(Hybrid.Value.Container, 0, r => r with { TokenCount = r.TokenCount + delta });
        AssertCraftedFails(crafted, $"token count {delta:+0;-0}", "chunk 0");
    }

    [Fact]
    public void A_byte_chunk_whose_record_carries_a_token_count_fails_naming_the_chunk()
    {
        // Compact records write no count for byte chunks: one written anyway is read as the next field.
        var part = ContainerEdits.Parse(Small.Value.Container).Chunks[1];
        Assert.Equal(ChunkMethod.Bytes, part.Record.Method);
        var container = Small.Value.Container;
        var record = part.Record.ToBytes(container.AsSpan(part.PayloadStart, part.PayloadLength));
        int lengths = record.Length - 8;
        byte[] crafted = [.. container.AsSpan(0, part.RecordStart), .. record.AsSpan(0, lengths), 1, .. record.AsSpan(lengths), .. container.AsSpan(part.PayloadStart)];
        AssertCraftedFails(crafted, "a token count in a byte chunk's record", "chunk 1");
    }

    [Fact]
    public void A_record_with_a_wrong_original_length_fails_naming_the_chunk()
    {
        var crafted = ContainerEdits.WithChunk(Small.Value.Container, 0, r => r with { OriginalLength = r.OriginalLength - 1 });
        AssertCraftedFails(crafted, "original length - 1", "chunk 0");
    }

    [Fact]
    public void A_hybrid_chunk_whose_tokens_run_past_its_length_fails_naming_the_chunk()
    {
        // Level 7 codes text over the trie with the byte model, in one chunk; a record claiming fewer bytes
        // leaves the decoder with tokens past the end: invalid data naming chunk 0, never a crash.
        var crafted = ContainerEdits.WithChunk(Hybrid.Value.Container, 0, r => r with { OriginalLength = 1000 });
        AssertCraftedFails(crafted, "original length 1000", "chunk 0");
    }

    [Theory]
    [InlineData((byte)ChunkMethod.Stored)]
    [InlineData((byte)ChunkMethod.Lz4)]
    [InlineData((byte)ChunkMethod.TokenPredictors)]
    [InlineData((byte)ChunkMethod.TokenNeural)]
    [InlineData((byte)ChunkMethod.TokenHybrid)]
    public void A_byte_mixer_chunk_relabelled_with_another_method_fails_naming_the_chunk(byte methodByte)
    {
        var method = (ChunkMethod)methodByte; // the container's types are internal

        Assert.Equal(ChunkMethod.Bytes, ContainerEdits.Parse(Small.Value.Container).Chunks[1].Record.Method);
        var crafted = ContainerEdits.WithChunk(Small.Value.Container, 1, r => r with { Method = method });
        AssertCraftedFails(crafted, $"relabelled {method}", "chunk 1");
    }

    /// <summary>For crafted payloads the decoder may meet garbage: it must throw InvalidDataException
    /// naming the chunk, or (when the change falls on bits the range decoder ignores: its always-zero
    /// first byte, flush bytes past the last symbol) return exactly the original. Never wrong bytes,
    /// another exception or a hang.</summary>
    private static void AssertCraftedRejectedOrHarmless(byte[] crafted, string what, string mustContain)
    {
        foreach (var path in Enum.GetValues<Route>())
        {
            var task = Task.Run(() => Decode(crafted, path));
            try
            {
                if (!task.Wait(Timeout)) Assert.Fail($"{what} ({path}): decoder still running after {Timeout.TotalSeconds} s");
            }
            catch (AggregateException ae) when (ae.InnerExceptions.Count == 1)
            {
                var ex = ae.InnerExceptions[0];
                AssertInvalidData(ex, $"{what} ({path})");
                Assert.Contains(mustContain, ex.Message);
                continue;
            }
            Assert.True(task.Result.AsSpan().SequenceEqual(Small.Value.Original), $"{what} ({path}): decoded WRONG bytes without error");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    [InlineData(300)]
    [InlineData(-6)]
    [InlineData(-3)]
    [InlineData(-1)]
    public void A_token_payload_altered_with_its_checksum_recomputed_fails_naming_the_chunk_or_decodes_correctly(int offset)
    {
        var crafted = ContainerEdits.WithChunk(Small.Value.Container, 1, r => r, payload =>
        {
            payload[offset >= 0 ? offset : payload.Length + offset] ^= 0x5A;
            return payload;
        });
        AssertCraftedRejectedOrHarmless(crafted, $"payload byte {offset} altered", "chunk 1");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(40)]
    public void A_token_payload_shortened_with_lengths_and_checksums_recomputed_fails_naming_the_chunk_or_decodes_correctly(int cut)
    {
        var crafted = ContainerEdits.WithChunk(Small.Value.Container, 1, r => r with { PayloadLength = r.PayloadLength - cut }, payload => payload[..^cut]);
        AssertCraftedRejectedOrHarmless(crafted, $"payload cut by {cut}", "chunk 1");
    }

    [Fact]
    public void A_stored_chunk_whose_lengths_disagree_fails_naming_the_chunk()
    {
        // Random bytes are stored; claim one more original byte than the payload holds.
        var container = LmzCompressor.Compress(Bytes.Random(3000, 77), Options.Level1(4096));
        Assert.Equal(ChunkMethod.Stored, ContainerEdits.Parse(container).Chunks[0].Record.Method);
        var crafted = ContainerEdits.WithChunk(container, 0, r => r with { OriginalLength = 3001 });
        AssertCraftedFails(crafted, "stored length mismatch", "chunk 0");
    }

    [Fact]
    public void An_end_record_with_a_wrong_hash_or_none_fails()
    {
        var container = Small.Value.Container;
        Assert.Equal(ContainerFormat.MaxEndSize, container.Length - ContainerEdits.Parse(container).EndStart);
        for (int bit = 0; bit < 64; bit += 9)
        {
            var crafted = (byte[])container.Clone();
            crafted[^(8 - bit / 8)] ^= (byte)(1 << (bit % 8));
            AssertCraftedFails(crafted, $"hash bit {bit}", "whole-content checksum");
        }
        AssertCraftedFails(container[..^8], "a two-chunk file's end record without its hash", "truncated end record");
    }

    [Fact]
    public void A_one_chunk_file_ends_with_the_end_mark_alone_and_a_hash_after_it_is_trailing_garbage()
    {
        var original = Repo.Alice[..3000];
        var container = LmzCompressor.Compress(original, Options.Level1(4096));
        var map = ContainerEdits.Parse(container);
        Assert.Single(map.Chunks);
        Assert.Equal(1, container.Length - map.EndStart);
        Bytes.Equal(original, LmzCompressor.Decompress(container, Options.Decode()));
        var withHash = (byte[])[.. container, .. BitConverter.GetBytes(XxHash64.HashToUInt64(original))];
        foreach (var path in Enum.GetValues<Route>())
            Assert.Contains("trailing garbage", DecodeExpectingFailure(withHash, path, $"hash after a one-chunk file ({path})").Message);
    }

    [Fact]
    public void A_container_with_a_chunk_removed_fails()
    {
        var container = Small.Value.Container;
        var map = ContainerEdits.Parse(container);
        byte[] crafted = [.. container.AsSpan(0, map.Chunks[1].RecordStart), .. container.AsSpan(map.EndStart)];
        AssertCraftedFails(crafted, "chunk 1 removed");
    }
}

/// <summary>A read-only stream that cannot seek and whose Length throws.</summary>
internal sealed class NonSeekableStream(byte[] data, int maxRead = int.MaxValue) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException("no Length on a non-seekable stream");
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public bool Disposed { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, maxRead));
    public override int Read(Span<byte> buffer) => _inner.Read(buffer[..Math.Min(buffer.Length, maxRead)]);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.ReadAsync(buffer, offset, Math.Min(count, maxRead), cancellationToken);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
