namespace Lmz.Cli.Tests;

public sealed class DecompressTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Compresses a corpus file to NAME.lmz with the library and removes the original; returns (container path, original bytes).</summary>
    private (string Container, byte[] Original) Compressed(string corpusName, int chunkSize = 1 << 20)
    {
        string source = _files.Copy(corpusName);
        var original = File.ReadAllBytes(source);
        File.WriteAllBytes(source + ".lmz", LmzCompressor.Compress(original, new LmzCompressionOptions { Level = 1, ChunkSize = chunkSize }));
        File.Delete(source);
        return (source + ".lmz", original);
    }

    [Fact]
    public void Decompress_restores_the_original_and_keeps_the_lmz()
    {
        var (container, original) = Compressed("xargs.1");

        Cli.Expect(0, "-d", container);

        Assert.Equal(original, File.ReadAllBytes(container[..^4]));
        Assert.True(File.Exists(container));
    }

    [Fact]
    public void Decompress_refuses_to_overwrite_without_force()
    {
        var (container, _) = Compressed("xargs.1");
        string existing = _files.Write("xargs.1", [7, 7]);

        var result = Cli.Expect(1, "-d", container);

        Assert.Equal($"lmz: {existing}: already exists; use -f to overwrite" + Environment.NewLine, result.Error);
        Assert.Equal([7, 7], File.ReadAllBytes(existing));
        Assert.Equal(["xargs.1", "xargs.1.lmz"], _files.Names());
    }

    [Fact]
    public void Decompress_with_force_overwrites()
    {
        var (container, original) = Compressed("xargs.1");
        _files.Write("xargs.1", [7, 7]);

        Cli.Expect(0, "-d", "-f", container);

        Assert.Equal(original, File.ReadAllBytes(_files.PathOf("xargs.1")));
    }

    [Fact]
    public void Unknown_suffix_is_warning_exit_2()
    {
        string plain = _files.Copy("xargs.1");

        var result = Cli.Expect(2, "-d", plain);

        Assert.Equal($"lmz: {plain}: unknown suffix -- ignored" + Environment.NewLine, result.Error);
        Assert.Equal(["xargs.1"], _files.Names());
    }

    [Fact]
    public void Corrupt_file_gives_exit_1_and_leaves_no_output()
    {
        var (container, _) = Compressed("fields.c");
        var bytes = File.ReadAllBytes(container);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(container, bytes);

        var result = Cli.Expect(1, "-d", "--rm", container);

        Assert.StartsWith($"lmz: {container}: chunk 0: ", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["fields.c.lmz"], _files.Names());
    }

    [Fact]
    public void Truncated_file_gives_exit_1_and_leaves_no_output()
    {
        var (container, _) = Compressed("fields.c", chunkSize: 4096);
        var bytes = File.ReadAllBytes(container);
        File.WriteAllBytes(container, bytes[..(bytes.Length - 40)]);

        var result = Cli.Expect(1, "-d", container);

        Assert.Contains("truncated", result.Error);
        Assert.Equal(["fields.c.lmz"], _files.Names());
    }

    [Fact]
    public void Trailing_garbage_gives_exit_1_and_leaves_no_output()
    {
        var (container, _) = Compressed("xargs.1");
        File.AppendAllText(container, "junk");

        var result = Cli.Expect(1, "-d", container);

        Assert.Contains("trailing garbage", result.Error);
        Assert.Equal(["xargs.1.lmz"], _files.Names());
    }

    [Fact]
    public void A_file_from_a_newer_lmz_says_so_in_one_line_and_leaves_no_output()
    {
        var (container, _) = Compressed("grammar.lsp");
        var bytes = File.ReadAllBytes(container);
        bytes[4] = 16; // the version byte: one past the newest this lmz writes
        File.WriteAllBytes(container, bytes);

        var result = Cli.Expect(1, "-d", container);

        Assert.Equal($"lmz: {container}: made by a newer lmz (format 16); this lmz reads formats 6–15" + Environment.NewLine, result.Error);
        Assert.Equal(["grammar.lsp.lmz"], _files.Names());
    }

    [Fact]
    public void Data_that_is_not_lmz_is_an_error()
    {
        string fake = _files.Copy("xargs.1", "fake.lmz");

        var result = Cli.Expect(1, "-d", fake);

        Assert.StartsWith($"lmz: {fake}: ", result.Error);
        Assert.Equal(["fake.lmz"], _files.Names());
    }

    [Fact]
    public void Decompress_with_stdout_option_writes_to_stdout_and_creates_no_file()
    {
        var (container, original) = Compressed("xargs.1");

        var result = Cli.Expect(0, "-dc", container);

        Assert.Equal(original, result.Stdout);
        Assert.Equal(["xargs.1.lmz"], _files.Names());
    }

    [Fact]
    public void Decompress_does_not_need_the_suffix_when_writing_to_stdout()
    {
        var (container, original) = Compressed("xargs.1");
        string renamed = _files.PathOf("packed.bin");
        File.Move(container, renamed);

        var result = Cli.Expect(0, "-d", "-c", renamed);

        Assert.Equal(original, result.Stdout);
    }

    [Fact]
    public void Compressed_data_is_not_read_from_a_terminal_unless_forced()
    {
        var container = LmzCompressor.Compress("hello\n"u8, new LmzCompressionOptions { Level = 1 });

        var refused = Cli.Run(["-d"], stdin: container, stdinIsTerminal: true);
        var forced = Cli.Run(["-d", "-f"], stdin: container, stdinIsTerminal: true);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("lmz: compressed data not read from a terminal. Use -f to force." + Environment.NewLine, refused.Error);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("hello\n"u8.ToArray(), forced.Stdout);
    }

    [Fact]
    public void Stdin_to_stdout_round_trips_in_process()
    {
        var original = File.ReadAllBytes(TestFiles.CorpusFile("grammar.lsp"));

        var packed = Cli.Run(["-1"], stdin: original);
        var unpacked = Cli.Run(["-d", "-"], stdin: packed.Stdout);

        Assert.Equal(0, packed.ExitCode);
        Assert.Equal(0, unpacked.ExitCode);
        Assert.Equal(original, unpacked.Stdout);
    }

    [Fact]
    public void Stdin_can_be_written_to_a_named_output()
    {
        var original = File.ReadAllBytes(TestFiles.CorpusFile("grammar.lsp"));
        string target = _files.PathOf("from-stdin.lmz");

        var result = Cli.Run(["-1", "-o", target], stdin: original);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Equal(original, Cli.Decompress(target));
    }
}
