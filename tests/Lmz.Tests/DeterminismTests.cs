namespace Lmz.Tests;

/// <summary>The container depends only on the data and the options that are written into it.</summary>
public class DeterminismTests
{
    private static readonly Lazy<byte[]> MultiChunkText = new(() => Inputs.Text(4096 * 10 + 700));

    /// <summary>The multi-chunk text compressed with one thread: the reference for several tests.</summary>
    private static readonly Lazy<byte[]> SingleThreaded = new(() => LmzCompressor.Compress(MultiChunkText.Value, Options.Level1(4096, threads: 1)));

    [Fact]
    public void One_and_two_threads_give_identical_containers_for_multi_chunk_text()
    {
        var data = MultiChunkText.Value;
        var one = SingleThreaded.Value;
        var two = LmzCompressor.Compress(data, Options.Level1(4096, threads: 2));
        Assert.True(LmzContainerInfo.Read(new MemoryStream(one)).Chunks.Count > 8);
        Bytes.Equal(one, two);
        Bytes.Equal(data, LmzCompressor.Decompress(two, Options.Decode(threads: 1)));
    }

    [Fact]
    public void One_and_two_threads_give_identical_containers_for_a_corpus_file()
    {
        var data = File.ReadAllBytes(Repo.CorpusFile("canterbury/fields.c"));
        var one = LmzCompressor.Compress(data, Options.Level1(4096, threads: 1));
        var two = LmzCompressor.Compress(data, Options.Level1(4096, threads: 2));
        Assert.True(LmzContainerInfo.Read(new MemoryStream(one)).Chunks.Count >= 2);
        Bytes.Equal(one, two);
    }

    private static byte[] CompressWithWrites(byte[] data, LmzCompressionOptions options, Func<int, int> nextWriteSize)
    {
        var packed = new MemoryStream();
        using (var lmz = new LmzCompressionStream(packed, options, leaveOpen: true))
        {
            for (int pos = 0; pos < data.Length;)
            {
                int n = Math.Min(data.Length - pos, Math.Max(1, nextWriteSize(pos)));
                lmz.Write(data, pos, n);
                pos += n;
            }
        }
        return packed.ToArray();
    }

    [Fact]
    public void Write_pattern_does_not_change_the_container()
    {
        // Small input for the one-byte-at-a-time case: two chunks of 4096 with a line-break cut.
        var data = Inputs.Text(6000);
        var options = Options.Level1(4096);
        var reference = LmzCompressor.Compress(data, options);
        Bytes.Equal(reference, CompressWithWrites(data, options, _ => data.Length));
        Bytes.Equal(reference, CompressWithWrites(data, options, _ => 1));
        var rng = new Random(42);
        Bytes.Equal(reference, CompressWithWrites(data, options, _ => rng.Next(1, 3000)));
    }

    [Fact]
    public void Random_sized_writes_give_the_same_container_across_group_boundaries()
    {
        var data = MultiChunkText.Value;
        var options = Options.Level1(4096);
        var reference = SingleThreaded.Value;
        var rng = new Random(7);
        // Write sizes that straddle the chunk size and the chunk-plus-one pending buffer.
        int[] sizes = [1, 4095, 4096, 4097, 8193, 17, 3];
        Bytes.Equal(reference, CompressWithWrites(data, options, _ => sizes[rng.Next(sizes.Length)]));
    }

    [Fact]
    public async Task Sync_and_async_writes_give_the_same_container()
    {
        var data = Inputs.Text(6000);
        var options = Options.Level1(4096);
        var packed = new MemoryStream();
        await using (var lmz = new LmzCompressionStream(packed, options, leaveOpen: true))
        {
            for (int pos = 0; pos < data.Length; pos += 1000) await lmz.WriteAsync(data.AsMemory(pos, Math.Min(1000, data.Length - pos)));
        }
        Bytes.Equal(LmzCompressor.Compress(data, options), packed.ToArray());
    }

    [Fact]
    public void Compressing_twice_gives_the_same_bytes()
    {
        var data = Inputs.InvalidUtf8();
        Bytes.Equal(LmzCompressor.Compress(data, Options.Level1()), LmzCompressor.Compress(data, Options.Level1()));
    }
}
