using System.Diagnostics;

namespace Lmz.Cli.Tests;

/// <summary>
/// A write that fails (a full disk) leaves nothing behind and prints one gzip-style line naming the
/// output: `lmz: OUTPUT: No space left on device`, exit 1.
/// </summary>
public sealed class WriteFailureTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>64 KiB of random bytes: stored chunks, so even a level-1 run is quick; too big for the 16 KiB disk.</summary>
    private string Incompressible() => _files.Write("r.bin", Enumerable.Range(0, 1 << 16).Select(i => (byte)Random.Shared.Next(256)).ToArray());

    [Fact]
    public void A_full_disk_leaves_no_temporary_file_and_prints_one_line()
    {
        string disk = _files.PathOf("full");
        Directory.CreateDirectory(disk);
        // A 16 KiB tmpfs needs root (CI and developers here run as root); elsewhere the test has nothing to run on.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs Linux's tmpfs for a full disk");
        var (mounted, _, why) = Child.Run(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", disk]), TimeSpan.FromSeconds(30));
        Assert.SkipWhen(mounted != 0, $"needs a 16 KiB tmpfs, which could not be mounted here (root only): {why.Trim()}");
        try
        {
            string source = Incompressible();
            string target = Path.Combine(disk, "r.lmz");

            var result = Cli.Expect(1, "-2", "-o", target, source);

            Assert.Equal($"lmz: {target}: No space left on device" + Environment.NewLine, result.Error);
            Assert.Empty(Directory.GetFileSystemEntries(disk));
            Assert.True(File.Exists(source));
        }
        finally
        {
            Child.Run(new ProcessStartInfo("umount", [disk]), TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public void A_full_standard_output_is_named_stdout()
    {
        Assert.SkipUnless(File.Exists("/dev/full"), "needs /dev/full, which this system lacks");
        string source = Incompressible();
        string lmz = Path.Combine(AppContext.BaseDirectory, "Lmz.Cli.dll");

        var (exitCode, _, error) = Child.Run(new ProcessStartInfo("sh", ["-c", "exec dotnet \"$0\" -1 -c \"$1\" > /dev/full", lmz, source]), TimeSpan.FromMinutes(2));

        Assert.Equal((1, "lmz: stdout: No space left on device\n"), (exitCode, error));
    }

    [Fact]
    public void A_failed_write_is_reported_without_the_temporary_path()
    {
        var stream = new NamedOutputStream(new FailingStream(), "out.lmz");

        var failure = Assert.Throws<OutputException>(() => stream.Write([1, 2, 3]));

        Assert.Equal(("out.lmz", "No space left on device"), (failure.Output, failure.Reason));
    }

    /// <summary>Fails every write the way .NET reports ENOSPC on a file.</summary>
    private sealed class FailingStream : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device : '/disk/.out.lmz.tmp-1a2b3c4d'");
    }
}
