using System.Text.RegularExpressions;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace Lmz.Tests;

/// <summary>
/// The house plan (docs/ARCHITECTURE.md): the library's folders are layers, each referring only to
/// those below it, and only Formats/ turns format versions and levels into options.
/// </summary>
public class ArchitectureTests
{
    private static readonly Architecture Library = new ArchLoader().LoadAssemblies(typeof(LmzCompressor).Assembly).Build();

    /// <summary>The layers from the top; each namespace is a folder of src/Lmz (the root namespace is Api/).</summary>
    public static readonly string[][] Layers =
    [
        ["Lmz"],
        ["Lmz.Container"],
        ["Lmz.Formats"],
        ["Lmz.Methods"],
        ["Lmz.Bundles"],
        ["Lmz.Models.Hybrid"],
        ["Lmz.Models.Tokens"],
        ["Lmz.Models.Bits"],
        ["Lmz.Network", "Lmz.Network.Adaptive"],
        ["Lmz.Tokenization"],
        ["Lmz.Coding"],
        ["Lmz.Core"],
    ];

    private static string Matching(IEnumerable<string> namespaces) => "^(" + string.Join("|", namespaces.Select(Regex.Escape)) + ")$";

    public static TheoryData<int> LayerIndices() => [.. Enumerable.Range(1, Layers.Length - 1)];

    [Theory]
    [MemberData(nameof(LayerIndices))]
    public void A_layer_refers_to_no_layer_above_it(int layer) =>
        Types().That().ResideInNamespaceMatching(Matching(Layers[layer]))
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(Matching(Layers.Take(layer).SelectMany(l => l))))
            .Check(Library);

    [Fact]
    public void Every_namespace_of_the_library_is_in_a_layer()
    {
        var known = Layers.SelectMany(l => l).ToHashSet();
        var namespaces = Library.Types.Select(t => t.Namespace.FullName).Where(n => n.StartsWith("Lmz", StringComparison.Ordinal)).Distinct().ToList();
        Assert.All(namespaces, n => Assert.Contains(n, known));
    }

    [Fact]
    public void No_two_namespaces_depend_on_each_other_even_through_others()
    {
        var graph = Library.Types.Where(t => t.Namespace.FullName.StartsWith("Lmz", StringComparison.Ordinal))
            .SelectMany(t => t.Dependencies.Select(d => (From: t.Namespace.FullName, To: d.Target?.Namespace?.FullName ?? "")))
            .Where(e => e.To.StartsWith("Lmz", StringComparison.Ordinal) && e.From != e.To)
            .Distinct().ToLookup(e => e.From, e => e.To);
        foreach (var start in graph.Select(g => g.Key))
        {
            var seen = new HashSet<string>();
            var stack = new Stack<string>(graph[start]);
            while (stack.TryPop(out var next))
            {
                Assert.False(next == start, $"{start} reaches itself through its dependencies");
                if (seen.Add(next)) foreach (var further in graph[next]) stack.Push(further);
            }
        }
    }

    /// <summary>A comparison of a version, revision or level with a number, or a branch on one.</summary>
    private static readonly Regex VersionTest = new(@"\b\w*(Version|Revision|version|revision|Level|level)\w*\s*(>=|<=|==|!=|<|>|is\b)\s*[0-9(<>]", RegexOptions.Compiled);

    [Fact]
    public void Outside_Formats_nothing_compares_a_format_version_a_revision_or_a_level()
    {
        var root = Path.Combine(Repo.Root, "src", "Lmz");
        var found = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.StartsWith(Path.Combine(root, "Formats"), StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && VersionTest.IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.f)}:{x.i + 1}: {x.line.Trim()}").ToList();
        Assert.Empty(found);
    }

    [Fact]
    public void The_test_of_comparisons_finds_the_kinds_it_forbids()
    {
        Assert.Matches(VersionTest, "if (formatVersion >= 14) x();");
        Assert.Matches(VersionTest, "revision == 1 ? a : b");
        Assert.Matches(VersionTest, "_header.Level is < 4");
        Assert.DoesNotMatch(VersionTest, "var format = Format.Of(version);");
    }

    [Fact]
    public void No_source_file_of_the_library_is_over_300_lines()
    {
        var root = Path.Combine(Repo.Root, "src");
        var long_ = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(f => (File: Path.GetRelativePath(root, f), Lines: File.ReadLines(f).Count())).Where(x => x.Lines > 300).ToList();
        Assert.Empty(long_);
    }

    [Fact]
    public void The_public_surface_is_the_fifteen_types_or_fewer_PublicAPI_Shipped_lists()
    {
        var shipped = File.ReadAllLines(Path.Combine(Repo.Root, "src", "Lmz", "PublicAPI.Shipped.txt"))
            .Where(l => Regex.IsMatch(l, @"^Lmz(\.\w+)+$")).ToHashSet();
        var exported = typeof(LmzCompressor).Assembly.GetExportedTypes().Select(t => t.FullName!).ToHashSet();
        Assert.Equal(shipped.Order(), exported.Order());
        Assert.InRange(exported.Count, 1, 15);
    }
}
