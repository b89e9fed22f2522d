namespace Lmz.Tests;

public class ReadmeExampleTests
{
    /// <summary>The usage example exactly as README.md shows it (paths are relative to the repository root).</summary>
    public const string Example = """
        using Lmz;
        using var input = File.OpenRead("corpora/canterbury/alice29.txt");
        using var output = File.Create("alice29.txt.lmz");
        LmzCompressor.Compress(input, output, new LmzCompressionOptions { Level = 1 });
        """;

    [Fact]
    public void The_readme_usage_example_compresses_alice29_and_it_decompresses_to_the_original()
    {
        using var temp = new TempDir();
        string source = Repo.CorpusFile("canterbury/alice29.txt");
        string target = temp.File("alice29.txt.lmz");

        // --- the README example, paths adapted ---
        {
            using var input = File.OpenRead(source);
            using var output = File.Create(target);
            LmzCompressor.Compress(input, output, new LmzCompressionOptions { Level = 1 });
        }
        // ---

        var original = File.ReadAllBytes(source);
        var container = File.ReadAllBytes(target);
        Assert.True(container.Length < original.Length / 3, $"alice29.txt: {original.Length} -> {container.Length} bytes");
        using (var input = File.OpenRead(target))
        using (var restored = File.Create(temp.File("alice29.txt")))
        {
            LmzCompressor.Decompress(input, restored);
        }
        Bytes.Equal(original, File.ReadAllBytes(temp.File("alice29.txt")));
    }

    [Fact]
    public void Readme_when_present_shows_the_example_verbatim()
    {
        var readme = Path.Combine(Repo.Root, "README.md");
        if (!File.Exists(readme)) return; // not written yet; the example above is the one it must show
        var text = File.ReadAllText(readme).Replace("\r\n", "\n");
        Assert.Contains(Example.Replace("\r\n", "\n"), text);
    }
}
