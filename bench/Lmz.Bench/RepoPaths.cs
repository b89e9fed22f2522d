namespace Lmz.Bench;

/// <summary>Locates the repository (the directory holding Compressor.sln) and paths inside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string Results => Path.Combine(Root, "bench", "results");

    public static string Corpora => Path.Combine(Root, "corpora");

    public static string Readme => Path.Combine(Root, "README.md");

    /// <summary>A path for display: relative to the repository root when inside it.</summary>
    /// <summary>A path for display: relative to the repository root when inside it or a sibling of it, else absolute.</summary>
    public static string Display(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Root, full);
        return relative.StartsWith("../..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Compressor.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
