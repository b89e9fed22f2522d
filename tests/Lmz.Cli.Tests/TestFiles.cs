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

    /// <summary>The Canterbury corpus in ../shared beside the repository root (the folder holding Compressor.sln).</summary>
    public static string CorpusDirectory => FindCorpus();

    public string PathOf(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Copies a corpus file (small ones keep level-1 tests fast: grammar.lsp 3.7 KB, xargs.1 4.2 KB, fields.c 11 KB).</summary>
    public string Copy(string corpusName, string? name = null)
    {
        string target = PathOf(name ?? corpusName);
        File.Copy(System.IO.Path.Combine(CorpusDirectory, corpusName), target);
        // The shared corpus is read-only; tests rewrite and delete their copies.
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

    private static string FindCorpus() => System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared", "corpora", "canterbury"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Compressor.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("no Compressor.sln above " + AppContext.BaseDirectory);
    }
}
