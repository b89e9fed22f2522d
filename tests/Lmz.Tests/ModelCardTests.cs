using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Lmz.Tests;

/// <summary>Each shipped bundle's MODEL.md (models/lm and the older bundles beside it) must describe the files actually shipped beside it.</summary>
public sealed partial class ModelCardTests
{
    [GeneratedRegex(@"^\| (?<file>[\w.]+) \| (?<bytes>[\d,]+) \| (?<sha>[0-9a-f]{64}) \|$", RegexOptions.Multiline)]
    private static partial Regex FileRow();

    public static TheoryData<string> ShippedBundles() => new(Directory.GetDirectories(Path.Combine(Repo.Root, "models"), "lm*")
        .Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(ShippedBundles))]
    public void Model_card_lists_the_size_and_SHA256_of_every_bundle_file(string bundle)
    {
        string directory = Path.Combine(Repo.Root, "models", bundle);
        var rows = FileRow().Matches(File.ReadAllText(Path.Combine(directory, "MODEL.md")))
            .ToDictionary(m => m.Groups["file"].Value);
        var shipped = Directory.GetFiles(directory).Where(f => Path.GetFileName(f) != "MODEL.md").ToList();
        Assert.NotEmpty(shipped);
        foreach (var path in shipped)
        {
            string name = Path.GetFileName(path);
            Assert.True(rows.TryGetValue(name, out var row), $"MODEL.md has no row for {name}");
            Assert.Equal(new FileInfo(path).Length, long.Parse(row.Groups["bytes"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            using var stream = File.OpenRead(path);
            Assert.Equal(row.Groups["sha"].Value, Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
    }
}
