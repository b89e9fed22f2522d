namespace Lmz.Cli.Tests;

/// <summary>`lmz -r` as gzip -r: every regular file below the directories given; links and special files skipped with a warning.</summary>
public sealed class RecursiveTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A tree of small corpus files two levels deep; returns its root and every file's bytes by relative path.</summary>
    private (string Root, Dictionary<string, byte[]> Contents) Tree()
    {
        string root = _files.PathOf("tree");
        foreach (var (dir, name) in new[] { ("", "grammar.lsp"), ("docs", "xargs.1"), ("src/c", "fields.c"), ("src/c", "grammar.lsp") })
        {
            string folder = Path.Combine(root, dir);
            Directory.CreateDirectory(folder);
            File.Copy(TestFiles.CorpusFile(name), Path.Combine(folder, name));
        }
        return (root, Snapshot(root));
    }

    private static Dictionary<string, byte[]> Snapshot(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    [Fact]
    public void Compressing_and_decompressing_a_tree_restores_it_byte_for_byte()
    {
        var (root, original) = Tree();

        Cli.Expect(0, "-1", "-r", "--rm", root);
        var packed = Snapshot(root);
        Cli.Expect(0, "-d", "-r", "--rm", root);

        Assert.Equal(original.Keys.Select(k => k + ".lmz").Order(), packed.Keys.Order());
        Assert.Equal(original.Keys.Order(), Snapshot(root).Keys.Order());
        foreach (var (name, bytes) in original) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(root, name)));
    }

    [Fact]
    public void Files_already_ending_in_lmz_are_skipped_with_a_warning()
    {
        var (root, _) = Tree();
        Cli.Expect(0, "-1", "-r", "--rm", Path.Combine(root, "docs"));
        string xargs = Path.Combine(root, "docs", "xargs.1.lmz");
        var packed = File.ReadAllBytes(xargs);

        var result = Cli.Expect(2, "-1", "-r", root);

        Assert.Equal($"lmz: {xargs}: already has .lmz suffix -- unchanged" + Environment.NewLine, result.Error);
        Assert.Equal(packed, File.ReadAllBytes(xargs));
        Assert.False(File.Exists(xargs + ".lmz"));
        Assert.True(File.Exists(Path.Combine(root, "src", "c", "fields.c.lmz")));
    }

    [Fact]
    public void Decompressing_a_tree_passes_over_files_without_the_suffix_quietly()
    {
        var (root, original) = Tree();
        Cli.Expect(0, "-1", "-r", "--rm", Path.Combine(root, "src"));

        var result = Cli.Expect(0, "-d", "-r", "--rm", root);

        Assert.Equal("", result.Error);
        Assert.Equal(original.Keys.Order(), Snapshot(root).Keys.Order());
    }

    [Fact]
    public void Symbolic_links_and_pipes_are_skipped_with_a_warning()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links and FIFOs need a POSIX system");
        var (root, _) = Tree();
        string fileLink = Path.Combine(root, "docs", "link");
        string dirLink = Path.Combine(root, "loop");
        string pipe = Path.Combine(root, "pipe");
        File.CreateSymbolicLink(fileLink, Path.Combine(root, "grammar.lsp"));
        Directory.CreateSymbolicLink(dirLink, root);
        Assert.Equal(0, Child.Run(new System.Diagnostics.ProcessStartInfo("mkfifo", [pipe]), TimeSpan.FromSeconds(30)).ExitCode);

        var result = Cli.Expect(2, "-1", "-r", root);

        Assert.Equal(
        [
            $"lmz: {fileLink}: is a symbolic link -- ignored",
            $"lmz: {dirLink}: is a symbolic link -- ignored",
            $"lmz: {pipe}: is not a directory or a regular file -- ignored",
        ], result.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(fileLink + ".lmz"));
        Assert.False(File.Exists(pipe + ".lmz"));
        Assert.True(File.Exists(Path.Combine(root, "docs", "xargs.1.lmz")));
    }

    [Fact]
    public void Recursive_with_output_is_a_usage_error()
    {
        var (root, _) = Tree();

        var result = Cli.Expect(1, "-r", "-o", _files.PathOf("out.lmz"), root);

        Assert.StartsWith("lmz: --output cannot be used with --recursive", result.Error);
    }
}
