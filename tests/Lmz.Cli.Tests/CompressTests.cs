using System.Text.RegularExpressions;

namespace Lmz.Cli.Tests;

public sealed class CompressTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Compress_keeps_source_and_writes_lmz()
    {
        string source = _files.Copy("grammar.lsp");
        var original = File.ReadAllBytes(source);

        var result = Cli.Expect(0, "-1", source);

        Assert.Equal("", result.Error);
        Assert.Equal(original, File.ReadAllBytes(source));
        Assert.Equal(original, Cli.Decompress(source + ".lmz"));
        Assert.Equal(["grammar.lsp", "grammar.lsp.lmz"], _files.Names());
    }

    [Fact]
    public void Compress_copies_the_source_modification_time()
    {
        string source = _files.Copy("grammar.lsp");
        var stamp = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(source, stamp);

        Cli.Expect(0, "-1", source);

        Assert.Equal(stamp, File.GetLastWriteTimeUtc(source + ".lmz"));
    }

    [Fact]
    public void Compress_refuses_to_overwrite_without_force()
    {
        string source = _files.Copy("grammar.lsp");
        string existing = _files.Write("grammar.lsp.lmz", [1, 2, 3]);

        var result = Cli.Expect(1, "-1", source);

        Assert.Equal($"lmz: {existing}: already exists; use -f to overwrite" + Environment.NewLine, result.Error);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(existing));
        Assert.Equal(["grammar.lsp", "grammar.lsp.lmz"], _files.Names());
    }

    [Fact]
    public void Force_overwrites_an_existing_output()
    {
        string source = _files.Copy("grammar.lsp");
        _files.Write("grammar.lsp.lmz", [1, 2, 3]);

        Cli.Expect(0, "-1", "-f", source);

        Assert.Equal(File.ReadAllBytes(source), Cli.Decompress(source + ".lmz"));
    }

    [Fact]
    public void Input_already_ending_in_lmz_is_skipped_with_warning_exit_2()
    {
        string source = _files.Copy("grammar.lsp", "notes.lmz");

        var result = Cli.Expect(2, "-1", source);

        Assert.Contains($"lmz: {source}: already has .lmz suffix -- unchanged", result.Error);
        Assert.Equal(["notes.lmz"], _files.Names());
    }

    [Fact]
    public void Quiet_hides_warnings_but_keeps_exit_2()
    {
        string source = _files.Copy("grammar.lsp", "notes.lmz");

        var result = Cli.Expect(2, "-1", "-q", source);

        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Missing_input_is_an_error_and_the_other_files_are_still_done()
    {
        string missing = _files.PathOf("missing.txt");
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, "-1", missing, source);

        Assert.Equal($"lmz: {missing}: No such file or directory" + Environment.NewLine, result.Error);
        Assert.True(File.Exists(source + ".lmz"));
    }

    [Fact]
    public void Directory_is_a_warning_and_ignored()
    {
        string directory = _files.PathOf("sub");
        Directory.CreateDirectory(directory);

        var result = Cli.Expect(2, "-1", directory);

        Assert.Contains($"lmz: {directory}: is a directory -- ignored", result.Error);
        Assert.Equal(["sub"], _files.Names());
    }

    [Fact]
    public void Error_wins_over_warning_in_the_exit_code()
    {
        string skipped = _files.Copy("grammar.lsp", "notes.lmz");

        Cli.Expect(1, "-1", skipped, _files.PathOf("missing.txt"));
    }

    [Fact]
    public void Output_option_writes_the_named_file()
    {
        string source = _files.Copy("grammar.lsp");
        string target = _files.PathOf("other.bin");

        Cli.Expect(0, "-1", "-o", target, source);

        Assert.Equal(File.ReadAllBytes(source), Cli.Decompress(target));
        Assert.False(File.Exists(source + ".lmz"));
    }

    [Fact]
    public void Output_option_with_two_inputs_is_an_error()
    {
        string a = _files.Copy("grammar.lsp");
        string b = _files.Copy("xargs.1");

        var result = Cli.Expect(1, "-1", "-o", _files.PathOf("out.lmz"), a, b);

        Assert.StartsWith("lmz: --output needs exactly one input file", result.Error);
        Assert.Equal(["grammar.lsp", "xargs.1"], _files.Names());
    }

    [Fact]
    public void Rm_removes_source_only_after_success()
    {
        string source = _files.Copy("grammar.lsp");
        var original = File.ReadAllBytes(source);
        string blocked = _files.Copy("xargs.1");
        _files.Write("xargs.1.lmz", [9]);

        var result = Cli.Expect(1, "-1", "--rm", source, blocked);

        Assert.False(File.Exists(source));
        Assert.Equal(original, Cli.Decompress(source + ".lmz"));
        Assert.True(File.Exists(blocked), result.ToString());
    }

    [Fact]
    public void Stdout_option_writes_the_container_and_keeps_the_source_even_with_rm()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(0, "-1", "-c", "--rm", source);

        Assert.Equal(File.ReadAllBytes(source), LmzCompressor.Decompress(result.Stdout));
        Assert.Equal(["grammar.lsp"], _files.Names());
    }

    [Fact]
    public void Compressed_data_is_not_written_to_a_terminal_unless_forced()
    {
        string source = _files.Copy("grammar.lsp");

        var refused = Cli.Run(["-1", "-c", source], stdoutIsTerminal: true);
        var forced = Cli.Run(["-1", "-c", "-f", source], stdoutIsTerminal: true);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("lmz: compressed data not written to a terminal. Use -f to force." + Environment.NewLine, refused.Error);
        Assert.Empty(refused.Stdout);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(File.ReadAllBytes(source), LmzCompressor.Decompress(forced.Stdout));
    }

    [Fact]
    public void Verbose_prints_ratio_sizes_bits_per_byte_and_time()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(0, "-1", "-v", source);

        long packed = new FileInfo(source + ".lmz").Length;
        long plain = new FileInfo(source).Length;
        var match = Regex.Match(result.Error, @"^(.+): (\d+\.\d)% \((\d+) -> (\d+) bytes, (\d\.\d{3}) bpb\) in \d+\.\d\d s\r?\n$");
        Assert.True(match.Success, result.Error);
        Assert.Equal(source, match.Groups[1].Value);
        Assert.Equal($"{100.0 * packed / plain:F1}", match.Groups[2].Value);
        Assert.Equal($"{plain}", match.Groups[3].Value);
        Assert.Equal($"{packed}", match.Groups[4].Value);
        Assert.Equal($"{8.0 * packed / plain:F3}", match.Groups[5].Value);
    }

    [Fact]
    public void Interrupt_exits_130_and_leaves_no_output()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Run(["-1", source], interrupt: new CancellationToken(canceled: true));

        Assert.Equal(130, result.ExitCode);
        Assert.Equal("lmz: interrupted" + Environment.NewLine, result.Error);
        Assert.Equal(["grammar.lsp"], _files.Names());
    }
}
