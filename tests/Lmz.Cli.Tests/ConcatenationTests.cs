using System.Text.RegularExpressions;

namespace Lmz.Cli.Tests;

/// <summary>`cat a.lmz b.lmz | lmz -d` and friends: joined containers behave as one file, as gzip members do.</summary>
public sealed class ConcatenationTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>grammar.lsp at -1 and xargs.1 at -2 (compressed by the CLI), joined into both.lmz.</summary>
    private (string Joined, byte[] Original, string First, string Second) Joined()
    {
        string a = _files.Copy("grammar.lsp");
        string b = _files.Copy("xargs.1");
        Cli.Expect(0, "-1", a);
        Cli.Expect(0, "-2", b);
        byte[] original = [.. File.ReadAllBytes(a), .. File.ReadAllBytes(b)];
        string joined = _files.Write("both.lmz", [.. File.ReadAllBytes(a + ".lmz"), .. File.ReadAllBytes(b + ".lmz")]);
        return (joined, original, a + ".lmz", b + ".lmz");
    }

    [Fact]
    public void Decompressing_joined_containers_writes_their_contents_one_after_the_other()
    {
        var (joined, original, _, _) = Joined();

        Cli.Expect(0, "-d", joined);
        var piped = Cli.Run(["-d"], stdin: File.ReadAllBytes(joined));

        Assert.Equal(original, File.ReadAllBytes(_files.PathOf("both")));
        Assert.Equal((0, ""), (piped.ExitCode, piped.Error));
        Assert.Equal(original, piped.Stdout);
    }

    [Fact]
    public void Test_mode_checks_every_member()
    {
        var (joined, _, _, _) = Joined();
        var bytes = File.ReadAllBytes(joined);
        bytes[^30] ^= 0x01; // inside the second member
        string damaged = _files.Write("damaged.lmz", bytes);

        var good = Cli.Expect(0, "-t", joined);
        var bad = Cli.Expect(1, "-t", damaged);

        Assert.Equal("", good.Error);
        Assert.StartsWith($"lmz: {damaged}: member 2: ", bad.Error);
    }

    [Fact]
    public void A_truncated_second_member_exits_1_and_leaves_no_output_file()
    {
        var (joined, _, _, _) = Joined();
        var bytes = File.ReadAllBytes(joined);
        string cut = _files.Write("cut.lmz", bytes[..^10]);
        var before = _files.Names();

        var file = Cli.Expect(1, "-d", cut);
        var test = Cli.Expect(1, "-t", cut);

        // The cut falls in the second member's last payload: its end record is one byte (one chunk, format 13).
        Assert.Equal($"lmz: {cut}: member 2: chunk 0: truncated payload" + Environment.NewLine, file.Error);
        Assert.Contains("member 2", test.Error);
        Assert.Equal(before, _files.Names());
    }

    [Fact]
    public void Garbage_after_the_last_member_is_an_error()
    {
        var (joined, _, _, _) = Joined();
        File.AppendAllText(joined, "junk");

        var result = Cli.Expect(1, "-d", joined);

        Assert.Equal($"lmz: {joined}: member 2: trailing garbage after the end record" + Environment.NewLine, result.Error);
        Assert.False(File.Exists(_files.PathOf("both")));
    }

    [Fact]
    public void List_shows_each_member_and_a_totals_row()
    {
        var (joined, original, first, second) = Joined();

        var result = Cli.Expect(0, "-l", joined);

        var rows = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => Regex.Split(l.Trim(), @"\s+")).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal([$"{new FileInfo(first).Length}", $"{new FileInfo(second).Length}", $"{new FileInfo(joined).Length}"], rows.Select(r => r[0]));
        Assert.Equal($"{original.Length}", rows[2][1]);
        Assert.EndsWith($"{joined} (member 1 of 2)", result.Out.Split('\n')[1].TrimEnd());
        Assert.EndsWith("(totals)", result.Out.Split('\n')[3].TrimEnd());
    }
}
