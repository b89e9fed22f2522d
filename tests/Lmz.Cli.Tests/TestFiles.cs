namespace Lmz.Cli.Tests;

/// <summary>A temporary directory holding copies of corpus files; deleted on dispose.</summary>
public sealed class TestFiles : IDisposable
{
    public TestFiles()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lmz-cli-tests-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>
    /// A Canterbury file: the committed copy in corpora/canterbury, else the one in ../shared beside
    /// the repository root (xargs.1 is only there). Where neither is, the test is reported skipped.
    /// </summary>
    public static string CorpusFile(string name)
    {
        foreach (var folder in new[] { System.IO.Path.Combine(RepositoryRoot, "corpora", "canterbury"), SharedCorpus })
        {
            string path = System.IO.Path.Combine(folder, name);
            if (File.Exists(path)) return path;
        }
        Assert.Skip($"needs ../shared/corpora/canterbury/{name} beside the repository, which is absent");
        return "";
    }

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Copies a corpus file (small ones keep level-1 tests fast: grammar.lsp 3.7 KB, xargs.1 4.2 KB, fields.c 11 KB).</summary>
    public string Copy(string corpusName, string? name = null)
    {
        string target = PathOf(name ?? corpusName);
        File.Copy(CorpusFile(corpusName), target);
        // The corpus files may be read-only; tests rewrite and delete their copies.
        File.SetAttributes(target, FileAttributes.Normal);
        return target;
    }

    public string Write(string name, byte[] bytes)
    {
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    /// <summary>Every file name in the directory (temp files included, which start with a dot).</summary>
    public string[] Names() => System.IO.Directory.GetFileSystemEntries(Directory).Select(System.IO.Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The folder holding Compressor.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string SharedCorpus => System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared", "corpora", "canterbury"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Compressor.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Compressor.sln above " + AppContext.BaseDirectory);
    }
}
