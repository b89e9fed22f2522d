using Lmz.Container;
using Lmz.Formats;

namespace Lmz.Tests;

/// <summary>Byte-identical round trips through LmzCompressor at level 1.</summary>
public class RoundTripTests
{
    [Fact]
    public void Empty_input_round_trips_to_a_header_and_end_mark_only()
    {
        var container = Lmz1.RoundTrip([]);
        Assert.Equal(ContainerEdits.Parse(container).HeaderLength + 1, container.Length);
        var info = LmzContainerInfo.Read(new MemoryStream(container));
        Assert.Empty(info.Chunks);
        Assert.Equal(0, info.UncompressedLength);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData((byte)'a')]
    [InlineData(0x0A)]
    [InlineData(0xFF)]
    public void One_byte_round_trips(byte value) => Lmz1.RoundTrip([value]);

    [Fact]
    public void Near_certain_runs_of_a_fax_image_round_trip_through_the_ensemble()
    {
        // ptt5's long blank runs make one token hold all but a rounding error of the mixed mass;
        // the top-token APM once turned that into an empty interval and the coder never stopped.
        var fax = File.ReadAllBytes(Repo.CorpusFile("canterbury/ptt5")).AsSpan(0, 64_000).ToArray();
        var container = Lmz1.RoundTrip(fax, new LmzCompressionOptions { Level = 2, Threads = 2 });
        Assert.True(container.Length < fax.Length / 8, $"{container.Length} bytes");
    }

    [Fact]
    public void All_256_byte_values_round_trip()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Lmz1.RoundTrip(all);
        Lmz1.RoundTrip([.. all.Reverse(), .. all]);
    }

    [Fact]
    public void Random_bytes_round_trip_and_grow_by_at_most_the_container_overhead()
    {
        // 1 MiB in 256 KiB chunks; LMZ_TEST_QUICK=1 uses 40 KiB in 4 KiB chunks (level 1 codes every
        // chunk with the token model before choosing Stored, which is slow when level 1 is the ensemble).
        int length = TestScope.Quick ? 40 << 10 : 1 << 20;
        int chunkSize = TestScope.Quick ? 4 << 10 : 256 << 10;
        var data = Bytes.Random(length, seed: 20240601);
        var container = Lmz1.RoundTrip(data, Options.Level1(chunkSize));
        var info = LmzContainerInfo.Read(new MemoryStream(container));
        int chunks = info.Chunks.Count;
        // Random bytes hold line breaks, so chunks follow the cut rule rather than the nominal size.
        Assert.Equal(Lmz1.ExpectedChunkLengths(data, chunkSize), info.Chunks.Select(c => c.OriginalLength));
        long bound = data.Length + ContainerEdits.Overhead(chunks);
        Assert.True(container.Length <= bound, $"{data.Length} random bytes grew to {container.Length} (bound {bound})");
        Assert.All(info.Chunks, c => Assert.Equal("Stored", c.Method));
    }

    [Fact]
    public void Small_random_inputs_never_grow_beyond_the_container_overhead()
    {
        var rng = new Random(11);
        foreach (int length in new[] { 1, 2, 3, 10, 100, 1000, 4095, 4096, 4097 })
        {
            var data = new byte[length];
            rng.NextBytes(data);
            var container = Lmz1.RoundTrip(data, Options.Level1(4096));
            int chunks = LmzContainerInfo.Read(new MemoryStream(container)).Chunks.Count;
            Assert.Equal(Lmz1.ExpectedChunkLengths(data, 4096).Count, chunks);
            int bound = length + ContainerEdits.Overhead(chunks);
            Assert.True(container.Length <= bound, $"{length} bytes grew to {container.Length} (bound {bound})");
        }
    }

    [Fact]
    public void Invalid_UTF8_round_trips() => Lmz1.RoundTrip(Inputs.InvalidUtf8());

    [Fact]
    public void Text_with_CRLF_tabs_emoji_and_CJK_round_trips_and_compresses()
    {
        var data = Inputs.MixedText();
        var container = Lmz1.RoundTrip(data);
        Assert.True(container.Length < data.Length / 2, $"{data.Length} bytes of repetitive text -> {container.Length}");
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(5000)]
    public void Multi_chunk_text_cuts_at_line_breaks_in_groups_of_eight_and_round_trips(int chunkSize)
    {
        // Enough for more than one group of 8 chunks.
        var data = Inputs.Text(chunkSize * 10 + 1234);
        var container = Lmz1.RoundTrip(data, Options.Level1(chunkSize));
        var info = LmzContainerInfo.Read(new MemoryStream(container));
        var expected = Lmz1.ExpectedChunkLengths(data, chunkSize);
        Assert.True(expected.Count > Format.GroupSize, $"only {expected.Count} chunks");
        Assert.Equal(expected, info.Chunks.Select(c => c.OriginalLength));
        Assert.All(info.Chunks, c => Assert.Equal("Bytes", c.Method));
        Assert.Equal(data.Length, info.UncompressedLength);
        Assert.Equal(container.Length, info.CompressedLength);
        Assert.Equal(chunkSize, info.ChunkSize);
        Assert.Equal(1, info.Level);
    }

    [Fact]
    public void Multi_chunk_input_without_line_breaks_cuts_at_the_nominal_size()
    {
        var data = Inputs.Text(4096 * 9 + 77);
        for (int i = 0; i < data.Length; i++) if (data[i] is (byte)'\n' or (byte)'\r') data[i] = (byte)' ';
        var container = Lmz1.RoundTrip(data, Options.Level1(4096));
        var info = LmzContainerInfo.Read(new MemoryStream(container));
        Assert.Equal(Enumerable.Repeat(4096, 9).Append(77), info.Chunks.Select(c => c.OriginalLength));
    }

    [Fact]
    public void Input_that_is_exactly_a_whole_number_of_chunks_round_trips()
    {
        var data = Bytes.Random(4096 * 2, seed: 8);
        for (int i = 0; i < data.Length; i++) if (data[i] == (byte)'\n') data[i] = 0; // no line breaks: cuts at the size
        var container = Lmz1.RoundTrip(data, Options.Level1(4096));
        Assert.Equal([4096, 4096], LmzContainerInfo.Read(new MemoryStream(container)).Chunks.Select(c => c.OriginalLength));
    }

    [Fact]
    public void Mixed_chunks_of_text_and_random_bytes_pick_their_own_methods_and_round_trip()
    {
        var text = Inputs.Text(3000);
        text[^1] = (byte)'\n';
        var random = Bytes.Random(4096, seed: 12);
        byte[] data = [.. text, .. random, .. text, .. random];
        var container = Lmz1.RoundTrip(data, Options.Level1(4096));
        var methods = LmzContainerInfo.Read(new MemoryStream(container)).Chunks.Select(c => c.Method).ToList();
        Assert.Contains("Bytes", methods);
        Assert.Contains("Stored", methods);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Other_online_levels_round_trip(int level)
    {
        var data = Inputs.Text(6000);
        Lmz1.RoundTrip(data, new LmzCompressionOptions { Level = level, Threads = 2 });
    }

    [Fact]
    public void Default_options_round_trip_with_a_bundle_that_has_no_transformer()
    {
        // Level 6 is the default; without the integer network the chunks fall back to the online predictors.
        var data = Inputs.Text(3000);
        var container = LmzCompressor.Compress(data, new LmzCompressionOptions { Threads = 2 });
        Bytes.Equal(data, LmzCompressor.Decompress(container));
        var info = LmzContainerInfo.Read(new MemoryStream(container));
        Assert.Equal(6, info.Level);
        if (!LmzModelBundle.Default.HasTransformer) Assert.DoesNotContain(info.Chunks, c => c.Method is "TokenNeural" or "TokenHybrid");
    }

    public static TheoryData<string> CorpusFiles => new(ManifestEntry.ReadAll().Select(e => e.File));

    /// <summary>Corpus bytes per file: the whole file, or the first 8 KiB with LMZ_TEST_QUICK=1.</summary>
    private static int CorpusPrefix => TestScope.Quick ? 8 << 10 : int.MaxValue;

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_round_trips(string file)
    {
        var all = File.ReadAllBytes(Repo.CorpusFile(file));
        var data = all.Length > CorpusPrefix ? all[..CorpusPrefix] : all;
        var container = Lmz1.RoundTrip(data, Options.Level1(256 << 10));
        var info = LmzContainerInfo.Read(new MemoryStream(container));
        Assert.Equal(data.Length, info.UncompressedLength);
        Assert.True(container.Length <= data.Length + ContainerEdits.Overhead(info.Chunks.Count), $"{file}: {data.Length} -> {container.Length} bytes");
    }
}

/// <summary>
/// The lone-chunk split: at levels 4–6 with the default chunk size, input that would
/// be the only chunk of its group, or text that would be its only full chunk and a shorter tail,
/// is coded as two halves so two threads can work on it. Run with
/// a bundle without the network (the rule depends on the level, not on the bundle) to stay fast.
/// </summary>
public sealed class LoneChunkSplitTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LmzModelBundle _tokenizerOnly;

    public LoneChunkSplitTests()
    {
        File.Copy(Path.Combine(LmzModelBundle.Default.Directory, LmzModelBundle.TokenizerFile),
            Path.Combine(_dir.Path, LmzModelBundle.TokenizerFile));
        _tokenizerOnly = LmzModelBundle.Load(_dir.Path);
    }

    public void Dispose()
    {
        _tokenizerOnly.Dispose();
        _dir.Dispose();
    }

    /// <summary>The chunk lengths of <paramref name="data"/>'s container, after a checked round trip and the same container on one thread unless <paramref name="cutsOnly"/>.</summary>
    private List<int> ChunkLengths(byte[] data, int level, int? chunkSize = null, bool cutsOnly = false)
    {
        var options = new LmzCompressionOptions { Level = level, ChunkSize = chunkSize, Model = _tokenizerOnly, Threads = 2 };
        var container = LmzCompressor.Compress(data, options);
        if (!cutsOnly)
        {
            Bytes.Equal(data, LmzCompressor.Decompress(container, new LmzDecompressionOptions { Model = _tokenizerOnly, Threads = 1 }));
            Bytes.Equal(container, LmzCompressor.Compress(data, options with { Threads = 1 }));
        }
        return LmzContainerInfo.Read(new MemoryStream(container)).Chunks.Select(c => c.OriginalLength).ToList();
    }

    [Fact]
    public void A_lone_chunk_at_a_transformer_level_is_cut_in_halves_at_a_line_break()
    {
        var data = Repo.Alice; // 152,089 bytes: one chunk of the default 1 MiB
        var lengths = ChunkLengths(data, level: 6);
        Assert.Equal(2, lengths.Count);
        Assert.Equal(data.Length, lengths.Sum());
        Assert.InRange(lengths[0], data.Length / 2 - ContainerWriter.LineBreakWindow, data.Length / 2);
        Assert.Equal((byte)'\n', data[lengths[0] - 1]);
    }

    [Fact]
    public void Input_under_two_minimum_halves_stays_one_chunk()
    {
        var data = Inputs.Text(2 * ContainerWriter.MinHalfChunk - 1);
        Assert.Equal([data.Length], ChunkLengths(data, level: 6));
    }

    [Fact]
    public void Online_levels_the_highest_levels_and_an_explicit_chunk_size_never_split()
    {
        var data = Repo.Alice;
        Assert.Equal([data.Length], ChunkLengths(data, level: 3));
        Assert.Equal([data.Length], ChunkLengths(data, level: 7));
        Assert.Equal([data.Length], ChunkLengths(data, level: 6, chunkSize: LmzCompressionOptions.DefaultChunkSize));
    }

    [Fact]
    public void Text_input_between_one_and_two_chunk_sizes_is_cut_in_halves_at_a_line_break()
    {
        const int Size = LmzCompressionOptions.DefaultChunkSize;
        var data = Inputs.Text(Size + 3 * ContainerWriter.MinHalfChunk); // was a full chunk and a 192 KiB tail
        var lengths = ChunkLengths(data, level: 6);
        Assert.Equal(2, lengths.Count);
        Assert.InRange(lengths[0], data.Length / 2 - ContainerWriter.LineBreakWindow, data.Length / 2);
        Assert.Equal((byte)'\n', data[lengths[0] - 1]);
        Assert.Equal(data.Length, lengths.Sum());

        // After a full chunk of the same group two threads already work: the end keeps its full chunk and tail.
        data = Inputs.Text(2 * Size + 100_000);
        Assert.Equal(Lmz1.ExpectedChunkLengths(data, Size), ChunkLengths(data, level: 6, cutsOnly: true));
    }

    [Fact]
    public void Whole_chunk_levels_an_explicit_chunk_size_and_an_end_near_two_chunk_sizes_keep_a_full_chunk_and_its_tail()
    {
        const int Size = LmzCompressionOptions.DefaultChunkSize;
        var data = Inputs.Text(Size + 3 * ContainerWriter.MinHalfChunk);
        Assert.Equal(Lmz1.ExpectedChunkLengths(data, Size), ChunkLengths(data, level: 7, cutsOnly: true));
        Assert.Equal(Lmz1.ExpectedChunkLengths(data, Size), ChunkLengths(data, level: 6, chunkSize: Size, cutsOnly: true));
        // Halves would pass the chunk size: a chunk cut at a line break, then the rest.
        data = Inputs.Text(2 * Size - ContainerWriter.LineBreakWindow);
        Assert.Equal(Lmz1.ExpectedChunkLengths(data, Size), ChunkLengths(data, level: 6, cutsOnly: true));
    }

    /// <summary>Chunk lengths of one compression with the default chunk size, after a checked round trip and the same container from the given writes.</summary>
    private List<int> DefaultChunkLengths(byte[] data, IEnumerable<int> writeSizes, int level = 1, LmzModelBundle? model = null)
    {
        var options = new LmzCompressionOptions { Level = level, Threads = 2, Model = model };
        var container = LmzCompressor.Compress(data, options);
        var packed = new MemoryStream();
        using (var lmz = new LmzCompressionStream(packed, options, leaveOpen: true))
        {
            using var sizes = writeSizes.GetEnumerator();
            for (int pos = 0; pos < data.Length && sizes.MoveNext();)
            {
                int n = Math.Min(sizes.Current, data.Length - pos);
                lmz.Write(data, pos, n);
                pos += n;
            }
        }
        Bytes.Equal(container, packed.ToArray());
        Bytes.Equal(data, LmzCompressor.Decompress(container, new LmzDecompressionOptions { Model = model }));
        return LmzContainerInfo.Read(new MemoryStream(container)).Chunks.Select(c => c.OriginalLength).ToList();
    }

    private static IEnumerable<int> RandomSizes(int seed)
    {
        var random = new Random(seed);
        int[] sizes = [1, 4095, 1 << 20, (1 << 20) + 1, 3 << 20, 77_777];
        while (true) yield return sizes[random.Next(sizes.Length)];
    }

    [Fact]
    public void Binary_input_is_cut_into_chunks_of_the_levels_chunk_sizes_and_its_longer_end_into_halves_whatever_the_write_sizes()
    {
        const int MiB = 1 << 20;
        var data = Bytes.Random(17 * MiB + 300_000, seed: 5); // random bytes: LZ4 or stored, quick
        int half = (9 * MiB + 300_000) / 2;
        Assert.Equal([8 * MiB, half, half], DefaultChunkLengths(data, RandomSizes(3)));
        Assert.Equal([data.Length / 2, data.Length - data.Length / 2], DefaultChunkLengths(data, RandomSizes(5), level: 7)); // 16 chunk sizes at 7-9
        Assert.Equal(Lmz1.ExpectedChunkLengths(data, MiB), ChunkLengths(data, level: 1, chunkSize: MiB)); // an explicit size: the old cuts
    }

    [Fact]
    public void Text_the_network_test_rejects_joins_into_long_chunks_as_binary_does()
    {
        // DNA, as in E.coli: few control bytes, but under 2 bytes per token, so the byte mixer codes it.
        var random = new Random(12);
        var dna = new byte[(5 << 20) / 2];
        foreach (ref byte b in dna.AsSpan()) b = "acgt"u8[random.Next(4)];
        Assert.Equal([dna.Length / 2, dna.Length - dna.Length / 2], ChunkLengths(dna, level: 6, cutsOnly: true)); // a lone run: halves
        Assert.Equal([dna.Length], ChunkLengths(dna, level: 7, cutsOnly: true));
        // Without the network every block goes to the byte mixer, text too.
        var text = Inputs.Text(dna.Length);
        Assert.Equal([text.Length], ChunkLengths(text, level: 3, cutsOnly: true));
        // The network's text at 6: chunks of up to 1 MiB cut at line breaks.
        var lengths = ChunkLengths(text, level: 6, cutsOnly: true);
        Assert.Equal(3, lengths.Count);
        Assert.Equal((byte)'\n', text[lengths[0] - 1]);
        Assert.Equal((byte)'\n', text[lengths[0] + lengths[1] - 1]);
    }

    [Fact]
    public void Blocks_whose_head_reads_as_text_but_whole_does_not_join_too()
    {
        // Each 1 MiB block: 70 KiB of prose (its head passes the text test), then letters in no
        // words (under 2 bytes per token, as most of Silesia xml's first 3 MiB): the whole fails.
        var random = new Random(13);
        var block = new byte[1 << 20];
        Repo.Alice.AsSpan(0, 70 << 10).CopyTo(block);
        for (int i = 70 << 10; i < block.Length; i++) block[i] = (byte)('a' + random.Next(26));
        byte[] data = [.. block, .. block, .. block];
        Assert.Equal([data.Length / 2, data.Length / 2], ChunkLengths(data, level: 6, cutsOnly: true)); // one run, a lone one: halves
    }

    [Fact]
    public void A_text_block_ends_a_binary_chunk_and_a_binary_tail_joins_it()
    {
        const int MiB = 1 << 20;
        var text = Inputs.Text(MiB + 1000);
        var binary = Bytes.Random(MiB, seed: 9);
        byte[] data = [.. binary, .. text, .. binary.AsSpan(0, 200_000)];
        var lengths = DefaultChunkLengths(data, RandomSizes(4), level: 6, _tokenizerOnly);
        // The binary megabyte alone (the next block is text), then the text cut at a line break,
        // then the rest: a text block's tail with the binary bytes after it.
        Assert.Equal(MiB, lengths[0]);
        Assert.Equal(3, lengths.Count);
        Assert.Equal((byte)'\n', data[lengths[0] + lengths[1] - 1]);
        Assert.Equal(data.Length, lengths.Sum());
    }

    [Fact]
    public void A_lone_binary_chunk_of_at_least_512_KiB_is_cut_in_halves_at_levels_4_to_6_only()
    {
        var data = File.ReadAllBytes(Repo.CorpusFile("canterbury/kennedy.xls")); // 1,029,744 bytes
        Assert.Equal([data.Length / 2, data.Length / 2], DefaultChunkLengths(data, RandomSizes(6), level: 6));
        var small = data.AsSpan(0, 2 * ContainerWriter.MinBinaryHalf - 1).ToArray();
        Assert.Equal([small.Length], DefaultChunkLengths(small, RandomSizes(7), level: 6));
        Assert.Equal([data.Length], DefaultChunkLengths(data, RandomSizes(8), level: 3));
    }
}
