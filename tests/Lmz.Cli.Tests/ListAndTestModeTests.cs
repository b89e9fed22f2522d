using System.Text.RegularExpressions;

namespace Lmz.Cli.Tests;

public sealed class ListAndTestModeTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private string Compress(string corpusName, params string[] extra)
    {
        string source = _files.Copy(corpusName);
        Cli.Expect(0, ["-1", .. extra, source]);
        return source + ".lmz";
    }

    [Fact]
    public void List_shows_chunks_and_bits_per_byte()
    {
        string container = Compress("fields.c", "--chunk-size", "4096");
        var info = LmzContainerInfo.Read(File.OpenRead(container));
        Assert.True(info.Chunks.Count >= 3);

        var result = Cli.Expect(0, "-l", "-v", container);

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Matches(@"^\s+compressed\s+uncompressed\s+ratio\s+bpb\s+chunks\s+methods\s+name$", lines[0]);
        var row = Regex.Split(lines[1].Trim(), @"\s+");
        Assert.Equal($"{new FileInfo(container).Length}", row[0]);
        Assert.Equal($"{new FileInfo(container[..^4]).Length}", row[1]);
        Assert.Equal($"{100.0 * info.CompressedLength / info.UncompressedLength:F1}%", row[2]);
        Assert.Equal($"{info.BitsPerByte:F3}", row[3]);
        Assert.Equal($"{info.Chunks.Count}", row[4]);
        Assert.Equal(container, row[^1]);
        Assert.Contains("level 1, chunk size 4096", result.Out);
        var chunkRows = lines.Where(l => Regex.IsMatch(l, @"^\s+\d+\s+[a-z0-9]+\s+\d+\s+\d+\s+\d+\s+\d\.\d{3}$")).ToList();
        Assert.Equal(info.Chunks.Count, chunkRows.Count);
        var first = Regex.Split(chunkRows[0].Trim(), @"\s+");
        Assert.Equal(["0", ContainerLister.MethodName(info.Chunks[0].Method), $"{info.Chunks[0].OriginalLength}", $"{info.Chunks[0].StoredLength}"], first[..4]);
    }

    [Fact]
    public void List_counts_chunks_per_method()
    {
        string container = Compress("fields.c", "--chunk-size", "4096");
        var info = LmzContainerInfo.Read(File.OpenRead(container));
        string expected = string.Join(" ", info.Chunks.GroupBy(c => ContainerLister.MethodName(c.Method)).Select(g => $"{g.Key}:{g.Count()}"));

        var result = Cli.Expect(0, "-l", container);

        Assert.Contains($"  {expected}  ", result.Out);
        Assert.DoesNotContain("level 1", result.Out);
    }

    [Fact]
    public void List_of_several_files_prints_totals()
    {
        string a = Compress("grammar.lsp");
        string b = Compress("xargs.1");
        long total = new FileInfo(a).Length + new FileInfo(b).Length;

        var result = Cli.Expect(0, "-l", a, b);

        var totals = result.Out.Split('\n').Single(l => l.TrimEnd().EndsWith("(totals)"));
        Assert.Equal($"{total}", Regex.Split(totals.Trim(), @"\s+")[0]);
    }

    [Fact]
    public void List_of_a_non_lmz_file_is_an_error()
    {
        string plain = _files.Copy("xargs.1");

        var result = Cli.Expect(1, "-l", plain);

        Assert.StartsWith($"lmz: {plain}: ", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void Test_mode_passes_a_good_file_and_writes_nothing()
    {
        string container = Compress("grammar.lsp");

        var result = Cli.Expect(0, "-t", container);

        Assert.Equal("", result.Error);
        Assert.Empty(result.Stdout);
        Assert.Equal(["grammar.lsp", "grammar.lsp.lmz"], _files.Names());
    }

    [Fact]
    public void Test_mode_reports_corruption()
    {
        string container = Compress("fields.c");
        var bytes = File.ReadAllBytes(container);
        bytes[^30] ^= 0x01;
        File.WriteAllBytes(container, bytes);

        var result = Cli.Expect(1, "-t", container);

        Assert.StartsWith($"lmz: {container}: ", result.Error);
        Assert.Equal(["fields.c", "fields.c.lmz"], _files.Names());
    }

    [Fact]
    public void Test_mode_verbose_says_ok()
    {
        string container = Compress("grammar.lsp");

        var result = Cli.Expect(0, "-tv", container);

        Assert.StartsWith($"{container}: OK, ", result.Error);
    }
}
