using System.Diagnostics;

namespace Lmz.Cli.Tests;

/// <summary>Runs the real executable (Lmz.Cli.dll beside the test assembly) for piping and signals.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static Process Start(params string[] args) =>
        Process.Start(Child.Lmz(args)) ?? throw new InvalidOperationException("could not start dotnet");

    private static (int ExitCode, byte[] Stdout, string Error) Pipe(byte[] input, params string[] args) =>
        Child.Run(Child.Lmz(args), TimeSpan.FromMinutes(2), input);

    [Fact]
    public void Stdin_to_stdout_round_trips()
    {
        var original = File.ReadAllBytes(TestFiles.CorpusFile("xargs.1"));

        var packed = Pipe(original, "-1");
        var unpacked = Pipe(packed.Stdout, "-d");

        Assert.Equal((0, ""), (packed.ExitCode, packed.Error));
        Assert.Equal(original, LmzCompressor.Decompress(packed.Stdout));
        Assert.Equal((0, ""), (unpacked.ExitCode, unpacked.Error));
        Assert.Equal(original, unpacked.Stdout);
    }

    [Fact]
    public void Corrupt_stdin_exits_1_with_one_line_and_no_stack_trace()
    {
        var result = Pipe("definitely not lmz"u8.ToArray(), "-d");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("lmz: (stdin): ", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Whether this process ignores SIGINT, as background jobs of a non-interactive shell do
    /// (`cmd &`): the children inherit that, and lmz, like gzip, keeps it ignored.
    /// </summary>
    private static bool SigintIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:"));
        return line != null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
    }

    [Fact]
    public async Task Sigint_deletes_the_temp_file_and_exits_130()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "POSIX signals and /proc are Linux's here");
        // Eight copies of alice29.txt at -6 on one thread: about a minute and a half of work, so
        // the signal lands mid-compression even when a busy test run notices the temp file late.
        var alice = File.ReadAllBytes(TestFiles.CorpusFile("alice29.txt"));
        string source = _files.Write("big.txt", [.. Enumerable.Repeat(alice, 8).SelectMany(copy => copy)]);
        using var process = Start("-6", "-T", "1", source);
        try
        {
            var error = process.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!_files.Names().Any(n => n.StartsWith(".big.txt.lmz.tmp-")))
            {
                Assert.False(process.HasExited, "lmz finished before it could be interrupted");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no temp file appeared");
                await Task.Delay(20);
            }
            // The signal handlers are installed before any output is opened (Program.Main), so the temp file is the cue.

            Assert.False(process.HasExited, "lmz finished before the signal was sent");
            Signal(process, "INT");
            if (SigintIgnored())
            {
                // Started with SIGINT ignored: it must carry on; SIGTERM takes the same clean-up path.
                Assert.False(process.WaitForExit(2_000), "lmz acted on a SIGINT it inherited as ignored");
                Signal(process, "TERM");
            }

            Child.WaitOrKill(process, TimeSpan.FromSeconds(30), "lmz after the signal");
            Assert.Equal("lmz: interrupted", (await error).Trim());
            Assert.Equal(130, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true); // a failed assertion must not leave a minute of work running
        }
        Assert.Equal(["big.txt"], _files.Names());
    }

    private static void Signal(Process process, string name)
    {
        Assert.Equal(0, Child.Run(new ProcessStartInfo("kill", [$"-{name}", process.Id.ToString()]), TimeSpan.FromSeconds(30)).ExitCode);
    }
}
