namespace Lmz.Cli.Tests;

public sealed class ProgressBarTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Progress_bar_is_drawn_on_a_terminal_and_its_line_cleared_at_the_end()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Run(["-1", source], stderrIsTerminal: true);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("\r" + source + ": ", result.Error);
        Assert.Matches(@"/ 3\.6 KiB +\d+\.\d%", result.Error);
        Assert.DoesNotContain("\n", result.Error);
        Assert.Matches(@"\r +\r$", result.Error);
    }

    [Theory]
    [InlineData(false, "-1")]
    [InlineData(true, "--no-progress")]
    [InlineData(true, "-q")]
    public void No_progress_bar_when_not_a_terminal_or_turned_off(bool stderrIsTerminal, string flag)
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Run(["-1", flag, source], stderrIsTerminal: stderrIsTerminal);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Render_shows_bytes_percent_eta_and_speed()
    {
        var error = new StringWriter();
        using var bar = new ProgressBar(error, "big.txt", 4 << 20, decompressing: false, width: 200);

        bar.Report(new LmzProgress(1 << 20, 1000));
        string line = bar.Render();

        Assert.StartsWith("big.txt: 1.0 MiB / 4.0 MiB  25.0%  ETA ", line);
        Assert.Contains("/s", line);
    }

    [Fact]
    public void Render_uses_compressed_bytes_when_decompressing_and_fits_the_width()
    {
        var error = new StringWriter();
        using var bar = new ProgressBar(error, "big.txt.lmz", 2000, decompressing: true, width: 30);

        bar.Report(new LmzProgress(5000, 500));
        string line = bar.Render();

        Assert.StartsWith("big.txt.lmz: 500 B / 2.0 KiB", line);
        Assert.True(line.Length < 30, line);
    }

    [Fact]
    public void Dispose_clears_what_was_drawn()
    {
        var error = new StringWriter();
        var bar = new ProgressBar(error, "x", null, decompressing: false, width: 80, time: new ManualTime());
        bar.Report(new LmzProgress(10, 5));
        string drawn = error.ToString();

        bar.Dispose();

        Assert.Equal(drawn + "\r" + new string(' ', drawn.Length - 1) + "\r", error.ToString());
    }

    [Fact]
    public void The_timer_redraws_the_elapsed_time_between_reports_and_stops_at_dispose()
    {
        var error = new StringWriter();
        var time = new ManualTime();
        var bar = new ProgressBar(error, "x", null, decompressing: false, width: 80, time: time); // a shorter line is padded over the longer one
        bar.Report(new LmzProgress(10, 5));
        time.Advance(TimeSpan.FromSeconds(62));
        string redrawn = error.ToString();
        bar.Dispose();
        string cleared = error.ToString();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["\rx: 10 B  9.8 KiB/s  0:00", "\rx: 10 B  0 B/s  1:02    "], redrawn.Split('\r').Skip(1).Select(line => "\r" + line));
        Assert.Equal(cleared, error.ToString());
    }
}
