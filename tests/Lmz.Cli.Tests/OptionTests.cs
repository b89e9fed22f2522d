namespace Lmz.Cli.Tests;

public sealed class OptionTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Two_levels_is_an_error()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, "-1", "-9", source);

        Assert.StartsWith("lmz: only one compression level may be given (got -1 and -9)", result.Error);
        Assert.Equal(["grammar.lsp"], _files.Names());
    }

    [Fact]
    public void Both_engines_write_the_same_file_and_read_each_other()
    {
        string source = _files.Copy("grammar.lsp");
        string native = _files.PathOf("native.lmz");
        string ort = _files.PathOf("ort.lmz");

        Cli.Expect(0, "--engine", "native", "-o", native, source);
        Cli.Expect(0, "--engine", "onnxruntime", "-o", ort, source);

        Assert.Equal(File.ReadAllBytes(native), File.ReadAllBytes(ort));
        Assert.Equal(File.ReadAllBytes(source), Cli.Expect(0, "-d", "-c", "--engine", "onnxruntime", native).Stdout);
    }

    [Fact]
    public void Unknown_engine_is_a_one_line_error()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, "--engine", "gpu", source);

        Assert.Contains("gpu", result.Error);
        Assert.Equal(["grammar.lsp"], _files.Names());
    }

    [Fact]
    public void Model_dir_without_a_bundle_fails_and_leaves_no_output()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, "--model-dir", _files.PathOf("nowhere"), source);

        Assert.StartsWith("lmz: ", result.Error);
        Assert.Contains("tokenizer.tiktoken", result.Error);
        Assert.Equal(["grammar.lsp"], _files.Names());
    }

    [Fact]
    public void Bundled_short_options_work()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(0, "-1kc", source);

        Assert.Equal(File.ReadAllBytes(source), LmzCompressor.Decompress(result.Stdout));
    }

    [Theory]
    [InlineData(null, 6)]
    [InlineData("-1", 1)]
    [InlineData("-3", 3)]
    public void Level_option_is_recorded_in_the_container(string? flag, int level)
    {
        string source = _files.Copy("grammar.lsp");

        Cli.Expect(0, flag == null ? [source] : [flag, source]);

        Assert.Equal(level, LmzContainerInfo.Read(File.OpenRead(source + ".lmz")).Level);
    }

    [Fact]
    public void Threads_1_and_2_give_identical_files()
    {
        string source = _files.Copy("fields.c");
        string one = _files.PathOf("one.lmz");
        string two = _files.PathOf("two.lmz");

        Cli.Expect(0, "-1", "--chunk-size", "4096", "-T", "1", "-o", one, source);
        Cli.Expect(0, "-1", "--chunk-size", "4096", "-T", "2", "-o", two, source);

        Assert.True(LmzContainerInfo.Read(File.OpenRead(one)).Chunks.Count > 1);
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));
    }

    [Fact]
    public void Negative_thread_count_is_an_error()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, "-T", "-3", source);

        Assert.StartsWith("lmz: invalid thread count -3", result.Error);
        Assert.Equal(["grammar.lsp"], _files.Names());
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, "--frobnicate", source);

        Assert.Equal("lmz: unrecognized option '--frobnicate'" + Environment.NewLine + "Try 'lmz --help' for more information." + Environment.NewLine, result.Error);
        Assert.Equal(["grammar.lsp"], _files.Names());
    }

    [Fact]
    public void After_double_dash_a_name_starting_with_a_dash_is_a_file()
    {
        var result = Cli.Expect(1, "-1", "--", "-odd");

        Assert.Equal("lmz: -odd: No such file or directory" + Environment.NewLine, result.Error);
    }

    [Fact]
    public void Keep_and_rm_together_is_an_error()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, "-k", "--rm", source);

        Assert.StartsWith("lmz: --keep and --rm cannot be used together", result.Error);
    }

    [Fact]
    public void Version_prints_the_version()
    {
        var result = Cli.Expect(0, "-V");

        Assert.Matches(@"^lmz \d+\.\d+\.\d+\r?\n$", result.Out);
    }

    [Fact]
    public void Verbose_version_lists_every_installed_bundle_by_fingerprint_and_marks_the_one_that_compresses()
    {
        var result = Cli.Expect(0, "-v", "-V");

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Matches(@"^lmz \d+\.\d+\.\d+$", lines[0]);
        var bundles = lines.Skip(2).ToArray();
        Assert.Equal(LmzModelBundle.InstalledDirectories().Count(), bundles.Length);
        Assert.Equal($"  {LmzModelBundle.Default.FingerprintHex}  {Path.GetFullPath(LmzModelBundle.DefaultDirectory())}  (compresses)",
            Assert.Single(bundles, l => l.EndsWith("(compresses)", StringComparison.Ordinal)));
        // The previous defaults stay installed, each under its own fingerprint, so their files decode.
        Assert.Equal(bundles.Length, bundles.Select(l => l.Trim()[..32]).Distinct().Count());
        Assert.True(bundles.Length >= 3);
    }

    [Fact]
    public void Verbose_version_names_a_bundle_folder_that_does_not_load_and_fails()
    {
        string broken = _files.PathOf("broken");
        Directory.CreateDirectory(broken);
        File.Copy(Path.Combine(LmzModelBundle.DefaultDirectory(), LmzModelBundle.TokenizerFile), Path.Combine(broken, LmzModelBundle.TokenizerFile));
        File.WriteAllText(Path.Combine(broken, LmzModelBundle.LearningFile), "{\"rate\": 7}");

        var listed = Cli.Expect(1, "-vV", "--model-dir", broken);
        var missing = Cli.Expect(1, "-vV", "--model-dir", _files.PathOf("nowhere"));

        Assert.StartsWith($"lmz: {broken}: ", listed.Error);
        Assert.Contains(LmzModelBundle.LearningFile, listed.Error);
        Assert.Contains(LmzModelBundle.Default.FingerprintHex, listed.Out);
        Assert.Equal($"lmz: {_files.PathOf("nowhere")}: No such file or directory" + Environment.NewLine, missing.Error);
    }

    [Fact]
    public void Help_lists_what_every_level_means_once()
    {
        var result = Cli.Expect(0, "--help");

        Assert.Contains("lmz [<FILE>...] [options]", result.Out);
        Assert.Contains("Levels (-1 .. -9, default -6):", result.Out);
        for (int level = LmzCompressionOptions.MinLevel; level <= LmzCompressionOptions.MaxLevel; level++)
            Assert.Single(result.Out.Split('\n'), line => line.TrimStart().StartsWith($"-{level} ", StringComparison.Ordinal) && line.Contains(LmzCompressionOptions.LevelSummary(level)));
        Assert.Contains("--decompress", result.Out);
        Assert.Contains("--chunk-size", result.Out);
        Assert.Contains("--engine", result.Out);
        Assert.Contains("--model-dir", result.Out);
    }

    [Theory]
    [InlineData("100")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("100000000")]
    [InlineData("big")]
    public void Chunk_size_out_of_range_or_not_a_number_is_refused_and_writes_nothing(string size)
    {
        string source = _files.Copy("fields.c");
        var result = Cli.Run("--chunk-size", size, source);
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("lmz: ", result.Error);
        Assert.Equal(["fields.c"], _files.Names());
    }

    [Theory]
    [InlineData("-T", "abc")]
    [InlineData("--chunk-size", "1e6")]
    public void A_number_option_given_text_names_the_option_and_the_text(string option, string text)
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(1, option, text, source);

        Assert.StartsWith($"lmz: {(option == "-T" ? "--threads" : option)}: '{text}' is not a whole number", result.Error);
        Assert.Equal(["grammar.lsp"], _files.Names());
    }
}
