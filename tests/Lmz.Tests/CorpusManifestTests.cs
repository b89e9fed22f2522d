namespace Lmz.Tests;

public class CorpusManifestTests
{
    public static TheoryData<string> Files => new(ManifestEntry.ReadAll().Select(e => e.File));

    [Theory]
    [MemberData(nameof(Files))]
    public void Listed_file_exists_with_the_listed_size_and_SHA256(string file)
    {
        var entry = ManifestEntry.ReadAll().Single(e => e.File == file);
        var path = Repo.CorpusFile(file);
        Assert.True(File.Exists(path), $"{file} is listed in MANIFEST.tsv but missing");
        var data = File.ReadAllBytes(path);
        Assert.Equal(entry.Bytes, data.LongLength);
        Assert.Equal(entry.Sha256, Bytes.Sha256(data));
    }

    [Fact]
    public void Manifest_lists_both_corpora_without_duplicates()
    {
        var entries = ManifestEntry.ReadAll();
        Assert.Equal(entries.Count, entries.Select(e => e.File).Distinct().Count());
        Assert.Contains(entries, e => e.File == "canterbury/alice29.txt");
        Assert.Contains(entries, e => e.File == "calgary/book1");
        Assert.All(entries, e => Assert.Matches("^[0-9a-f]{64}$", e.Sha256));
    }

    [Fact]
    public void Every_corpus_file_on_disk_is_listed_in_the_manifest()
    {
        var listed = ManifestEntry.ReadAll().Select(e => e.File).ToHashSet();
        var onDisk = Directory.EnumerateFiles(Repo.Corpora, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repo.Corpora, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => f is not ("MANIFEST.tsv" or "README.md"));
        var unlisted = onDisk.Where(f => !listed.Contains(f)).ToList();
        Assert.True(unlisted.Count == 0, "not in MANIFEST.tsv: " + string.Join(", ", unlisted));
    }
}
