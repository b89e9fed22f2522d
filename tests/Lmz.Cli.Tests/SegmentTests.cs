namespace Lmz.Cli.Tests;

/// <summary>`lmz --segment-size`: one member per segment, the layout lmz-cluster writes.</summary>
public sealed class SegmentTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Each_segment_becomes_its_own_member_and_the_whole_decodes()
    {
        string book = _files.Copy("alice29.txt");
        byte[] original = File.ReadAllBytes(book);
        Cli.Expect(0, "-1", "--segment-size", "64K", book);

        var members = LmzContainerInfo.ReadAll(new MemoryStream(File.ReadAllBytes(book + ".lmz")));
        Assert.Equal((original.Length + 65535) / 65536, members.Count);
        Assert.All(members.SkipLast(1), m => Assert.Equal(65536, m.UncompressedLength));
        Assert.Equal(original.Length, members.Sum(m => m.UncompressedLength));
        Assert.Equal(original, Cli.Decompress(book + ".lmz"));
    }

    [Fact]
    public void A_member_is_what_lmz_writes_for_that_segment_alone_whatever_the_thread_count()
    {
        string book = _files.Copy("alice29.txt");
        byte[] original = File.ReadAllBytes(book);
        var one = Cli.Run(["-1", "-T", "1", "--segment-size", "100000", "-c", book]);
        var two = Cli.Run(["-1", "-T", "2", "--segment-size", "100000", "-c", book]);
        byte[] first = LmzCompressor.Compress(original.AsSpan(0, 100_000), new LmzCompressionOptions { Level = 1 });
        byte[] second = LmzCompressor.Compress(original.AsSpan(100_000), new LmzCompressionOptions { Level = 1 });

        Assert.Equal((0, 0), (one.ExitCode, two.ExitCode));
        Assert.Equal([.. first, .. second], one.Stdout);
        Assert.Equal(one.Stdout, two.Stdout);
    }

    [Fact]
    public void An_empty_input_is_one_empty_member_and_an_exact_multiple_has_no_empty_tail()
    {
        var empty = Cli.Run(["--segment-size", "4096", "-1", "-c"], stdin: []);
        var exact = Cli.Run(["--segment-size", "4096", "-1", "-c"], stdin: new byte[8192]);

        Assert.Single(LmzContainerInfo.ReadAll(new MemoryStream(empty.Stdout)));
        Assert.Equal([4096L, 4096L], LmzContainerInfo.ReadAll(new MemoryStream(exact.Stdout)).Select(m => m.UncompressedLength));
        Assert.Equal(new byte[8192], LmzCompressor.Decompress(exact.Stdout));
    }

    [Theory]
    [InlineData("12x", "lmz: --segment-size: '12x' is not a byte count (such as 65536, 64K or 4M)")]
    [InlineData("0", "lmz: segment size must be 4096..268435456 bytes")]
    [InlineData("1K", "lmz: segment size must be 4096..268435456 bytes")]
    [InlineData("1G", "lmz: segment size must be 4096..268435456 bytes")]
    public void A_bad_segment_size_is_a_one_line_usage_error_that_writes_nothing(string value, string message)
    {
        string book = _files.Copy("grammar.lsp");
        var result = Cli.Expect(1, "--segment-size", value, book);

        Assert.Equal([message, "Try 'lmz --help' for more information."], result.Error.TrimEnd().Split('\n'));
        Assert.False(File.Exists(book + ".lmz"));
    }
}
