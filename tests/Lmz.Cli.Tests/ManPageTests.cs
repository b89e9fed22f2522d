using System.Text.RegularExpressions;

namespace Lmz.Cli.Tests;

/// <summary>docs/lmz.1 and `lmz --help` describe the same options, and the page carries this version.</summary>
public sealed class ManPageTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "docs", "lmz.1"));

    /// <summary>The option names on the help's "Options:" lines (the FILE argument and the levels block are not options there).</summary>
    private static SortedSet<string> HelpOptions()
    {
        var help = Cli.Expect(0, "--help").Out;
        var block = help[help.IndexOf("Options:", StringComparison.Ordinal)..help.IndexOf("Levels", StringComparison.Ordinal)];
        var names = block.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('-'))
            .SelectMany(l => Regex.Split(l, @"\s{2,}")[0].Split(", ").Select(n => n.Split(' ')[0]));
        return new SortedSet<string>(names, StringComparer.Ordinal);
    }

    /// <summary>The option names tagged by .TP paragraphs in the OPTIONS section, unescaped (\- is -).</summary>
    private static SortedSet<string> PageOptions()
    {
        var section = Page[Page.IndexOf(".SH OPTIONS", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n.SH ", 1, StringComparison.Ordinal)];
        var lines = section.Split('\n');
        var tags = lines.Skip(1).Where((_, i) => lines[i].StartsWith(".TP", StringComparison.Ordinal));
        var names = tags.SelectMany(tag => Regex.Matches(tag.Replace(@"\-", "-"), @"(?<![\w-])--?[A-Za-z0-9?][\w-]*").Select(m => m.Value));
        return new SortedSet<string>(names, StringComparer.Ordinal);
    }

    [Fact]
    public void Every_option_in_the_help_is_in_the_man_page_and_back()
    {
        var levels = Enumerable.Range(1, 9).Select(level => $"-{level}");
        var page = PageOptions();
        page.ExceptWith(["-1", "-9"]);

        Assert.Equal(HelpOptions(), page);
        Assert.Contains(@".BR \-1 "" ... "" \-9", Page);
        Assert.All(levels, level => Assert.Contains($"  {level}  ", Cli.Expect(0, "--help").Out));
    }

    [Fact]
    public void The_man_page_names_this_version()
    {
        Assert.Contains($"\"lmz {CliRunner.Version}\"", Page.Split('\n').Single(l => l.StartsWith(".TH ", StringComparison.Ordinal)));
    }
}
