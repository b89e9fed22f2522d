using System.Security.Cryptography;
using Lmz.Container;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Network;

namespace Lmz.Tests;

/// <summary>
/// The format is a promise: every container under tests/golden (made by tests/golden/make.sh,
/// never rewritten) must decode byte-exactly with this lmz, on either engine.
/// </summary>
public sealed class GoldenContainerTests
{
    public sealed record Golden(string Version, string Container, string Source, int Level, string SourceSha256)
    {
        public string Path => System.IO.Path.Combine(Repo.Root, "tests", "golden", Version, Container);

        public override string ToString() => $"{Version}/{Container}";
    }

    public static IReadOnlyList<Golden> All() =>
        Directory.GetDirectories(System.IO.Path.Combine(Repo.Root, "tests", "golden")).Order(StringComparer.Ordinal)
            .SelectMany(dir => File.ReadAllLines(System.IO.Path.Combine(dir, "MANIFEST.tsv")).Skip(1).Where(l => l.Length > 0)
                .Select(l => l.Split('\t'))
                .Select(c => new Golden(System.IO.Path.GetFileName(dir), c[0], c[1], int.Parse(c[2]), c[3])))
            .ToList();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var g in All()) data.Add(g.ToString());
        return data;
    }

    private static Golden Find(string name) => All().Single(g => g.ToString() == name);

    [Fact]
    public void The_golden_set_covers_levels_1_2_6_7_and_9_of_the_current_format()
    {
        var current = All().Where(g => g.Version == $"v{Format.Current.Version}").Select(g => g.Level).ToHashSet();
        Assert.Superset(new HashSet<int> { 1, 2, 6, 7, 9 }, current);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Golden_container_decodes_byte_exactly(string name)
    {
        var golden = Find(name);
        var decoded = LmzCompressor.Decompress(File.ReadAllBytes(golden.Path));
        Assert.Equal(golden.SourceSha256, Convert.ToHexStringLower(SHA256.HashData(decoded)));
        // FILE:LENGTH names the head of a file too large to commit (tests/golden/make.sh): its SHA-256 above is the check.
        if (!golden.Source.Contains(':')) Assert.Equal(File.ReadAllBytes(Repo.CorpusFile(golden.Source)), decoded);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Golden_container_decodes_on_the_onnx_runtime_engine(string name)
    {
        var golden = Find(name);
        var decoded = LmzCompressor.Decompress(File.ReadAllBytes(golden.Path), new LmzDecompressionOptions { Engine = NetworkEngineKind.OnnxRuntime });
        Assert.Equal(golden.SourceSha256, Convert.ToHexStringLower(SHA256.HashData(decoded)));
    }

    [Fact]
    public void The_version_8_set_holds_a_binary_chunk_longer_than_the_chunk_size_and_one_coded_with_a_row_length()
    {
        var merged = Read(All().Single(g => g.Version == "v8" && g.Container.StartsWith("mr.", StringComparison.Ordinal)));
        var chunk = Assert.Single(merged.Info.Chunks);
        Assert.True(chunk.OriginalLength > merged.Info.ChunkSize, $"{chunk.OriginalLength} bytes in a chunk of nominal size {merged.Info.ChunkSize}");

        var image = Read(All().Single(g => g.Version == "v8" && g.Container.StartsWith("x-ray.", StringComparison.Ordinal)));
        Assert.Equal(nameof(ChunkMethod.Bytes), Assert.Single(image.Info.Chunks).Method);
        int payload = Container.ContainerFormat.FileHeaderSize + Container.ContainerFormat.RecordSize;
        Assert.Equal(3800, image.Container[payload] | image.Container[payload + 1] << 8); // the header's row: 1900 samples of 16 bits
    }

    [Fact]
    public void The_version_9_set_holds_byte_chunks_of_revision_3_with_the_indirect_contexts()
    {
        var image = Read(All().Single(g => g.Version == "v9" && g.Container.StartsWith("x-ray.", StringComparison.Ordinal)));
        Assert.Equal(nameof(ChunkMethod.Bytes), Assert.Single(image.Info.Chunks).Method);
        int payload = Container.ContainerFormat.FileHeaderSize + Container.ContainerFormat.RecordSize;
        Assert.Equal(3800, image.Container[payload] | image.Container[payload + 1] << 8);
        var contexts = (ByteContexts)(image.Container[payload + 2] | image.Container[payload + 3] << 8 | image.Container[payload + 4] << 16);
        Assert.Equal(Format09.Contexts, contexts);

        var code = Read(All().Single(g => g.Version == "v9" && g.Container.StartsWith("ooffice.", StringComparison.Ordinal)));
        Assert.Equal(nameof(ChunkMethod.BytesX86), Assert.Single(code.Info.Chunks).Method);
        var flags = (ByteContexts)(code.Container[payload + 2] | code.Container[payload + 3] << 8 | code.Container[payload + 4] << 16);
        Assert.True(flags.HasFlag(ByteContexts.Indirect1 | ByteContexts.Indirect2), $"contexts {flags}");
    }

    [Fact]
    public void The_version_12_set_holds_byte_chunks_of_the_nucleotide_model_at_levels_2_and_6()
    {
        int payload = Container.ContainerFormat.FileHeaderSize + Container.ContainerFormat.RecordSize;
        foreach (var (level, contexts) in new[] { (2, ByteContexts.NucleotideContexts & (Format09.Contexts | ByteContexts.ForText | ByteContexts.Nucleotides) & ~ByteContexts.HighOrders), (6, ByteContexts.NucleotideContexts) })
        {
            var dna = Read(All().Single(g => g.Version == "v12" && g.Level == level && g.Container.StartsWith("E.coli.", StringComparison.Ordinal)));
            Assert.Equal(nameof(ChunkMethod.Bytes), Assert.Single(dna.Info.Chunks).Method);
            Assert.Equal(contexts, (ByteContexts)BitConverter.ToInt32(dna.Container, payload + 2));
        }
    }

    [Fact]
    public void The_version_13_set_holds_compact_containers_ending_with_the_content_hash_only_after_two_chunks_or_more()
    {
        var v13 = All().Where(g => g.Version == "v13").ToList();
        Assert.Contains(v13, g => Read(g).Info.Chunks.Count >= 2);
        foreach (var golden in v13)
        {
            var (container, info) = Read(golden);
            var map = ContainerEdits.Parse(container);
            Assert.Equal(13, map.Header.Format.Version);
            // 4 + 1 + 1 + the chunk size's varint (3 bytes for the default, 2 for 4096) + 8 + 4 + 4
            Assert.Equal(22 + Container.Varint.Write(new byte[Container.Varint.MaxBytes], info.ChunkSize), map.HeaderLength);
            int end = container.Length - map.EndStart;
            Assert.Equal(info.Chunks.Count >= 2 ? Container.ContainerFormat.MaxEndSize : 1, end);
            Assert.Equal(container.Length, map.HeaderLength + info.Chunks.Sum(c => c.StoredLength) + end);
        }
    }

    [Fact]
    public void The_version_14_set_codes_lisp_smaller_than_version_13_and_byte_chunks_with_the_same_payloads()
    {
        Golden Of(string version, string prefix) => All().Single(g => g.Version == version && g.Container.StartsWith(prefix, StringComparison.Ordinal));
        foreach (var prefix in new[] { "grammar.lsp.6.", "grammar.lsp.7.", "grammar.lsp.9." })
        {
            var (before, _) = Read(Of("v13", prefix));
            var (after, info) = Read(Of("v14", prefix));
            Assert.Equal(nameof(ChunkMethod.TokenHybrid), Assert.Single(info.Chunks).Method);
            Assert.True(after.Length < before.Length, $"{prefix}: {after.Length} B in version 14, {before.Length} B in 13");
        }
        // The byte coder is format 13's: the same payload, in a container that names version 14.
        var (old, _) = Read(Of("v13", "obj1.7."));
        var (code, _) = Read(Of("v14", "obj1.7."));
        var (oldMap, map) = (ContainerEdits.Parse(old), ContainerEdits.Parse(code));
        Assert.Equal(14, map.Header.Format.Version);
        var (oldChunk, chunk) = (Assert.Single(oldMap.Chunks), Assert.Single(map.Chunks));
        Assert.Equal(old.AsSpan(oldChunk.PayloadStart, oldChunk.PayloadLength), code.AsSpan(chunk.PayloadStart, chunk.PayloadLength));
    }

    private static (byte[] Container, LmzContainerInfo Info) Read(Golden golden)
    {
        var container = File.ReadAllBytes(golden.Path);
        return (container, LmzContainerInfo.Read(new MemoryStream(container)));
    }
}
