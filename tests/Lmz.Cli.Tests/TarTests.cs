using System.Diagnostics;

namespace Lmz.Cli.Tests;

/// <summary>
/// `tar -I lmz` and `tar -I 'lmz -9'`: tar runs lmz as a filter (stdin to stdout, `-d` to extract),
/// and a directory comes back byte for byte. The launcher `lmz` beside the tests is put first on PATH.
/// </summary>
public sealed class TarTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("lmz")]
    [InlineData("lmz -9")] // -9 codes at about 1 KB/s: the tree stays a few KB (tar pads it to 10 KB of mostly zeros)
    public void Tar_round_trips_a_directory_through_lmz(string program)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows() || !File.Exists("/usr/bin/tar") && !File.Exists("/bin/tar"), "needs GNU tar on a POSIX system");
        string tree = _files.PathOf("tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub"));
        File.Copy(TestFiles.CorpusFile("grammar.lsp"), Path.Combine(tree, "grammar.lsp"));
        File.WriteAllBytes(Path.Combine(tree, "sub", "xargs.head"), File.ReadAllBytes(TestFiles.CorpusFile("xargs.1"))[..1500]);
        string archive = _files.PathOf("tree.tar.lmz");
        string output = _files.PathOf("out");
        Directory.CreateDirectory(output);

        Tar("-I", program, "-cf", archive, "-C", _files.Directory, "tree");
        Tar("-I", program, "-xf", archive, "-C", output);

        Assert.Equal("LMZ\u001a"u8.ToArray(), File.ReadAllBytes(archive)[..4]);
        foreach (var file in Directory.GetFiles(tree, "*", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(output, "tree", Path.GetRelativePath(tree, file))));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(output, "tree"), "*", SearchOption.AllDirectories).Length);
    }

    private static void Tar(params string[] args)
    {
        var info = new ProcessStartInfo("tar", args);
        info.Environment["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        var (exitCode, _, error) = Child.Run(info, TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"tar {string.Join(' ', args)} exited {exitCode}: {error}");
    }
}
