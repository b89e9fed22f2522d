namespace Lmz.Cli.Tests;

/// <summary>The thread count changes only the speed: more threads than cores, or than fit in memory, give the same container.</summary>
public sealed class ThreadTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Six 4 KiB chunks of alice29.txt at -6 (each through the network) and at -1 (the byte mixer).</summary>
    [Theory]
    [InlineData("-1")]
    [InlineData("-6")]
    public void One_three_and_eight_threads_give_identical_containers_on_six_chunks(string level)
    {
        var text = File.ReadAllBytes(TestFiles.CorpusFile("alice29.txt")).AsSpan(30_000, 22_000).ToArray();
        string source = _files.Write("six.txt", text);

        var containers = new[] { "1", "3", "8" }.Select(threads => Cli.Expect(0, level, "-T", threads, "--chunk-size", "4096", "-c", source).Stdout).ToList();

        Assert.Equal(6, LmzContainerInfo.Read(new MemoryStream(containers[0])).Chunks.Count);
        Assert.All(containers, container => Assert.True(container.AsSpan().SequenceEqual(containers[0]), $"{level}: a thread count changed the container"));
        Assert.Equal(text, Cli.Run(["-d", "-T", "8"], stdin: containers[0]).Stdout);
    }

    /// <summary>
    /// A process whose GC heap is held to 768 MiB (as a container's memory limit would) cannot code
    /// 16 chunks at once at -6: lmz lowers the thread count, says so under -v, and writes the same
    /// container as one thread does.
    /// </summary>
    [Fact]
    public void Threads_that_would_not_fit_in_memory_are_lowered_and_reported_under_verbose()
    {
        string source = _files.Copy("grammar.lsp");
        var limited = Child.Lmz("-v", "-6", "-T", "16", "-c", source);
        limited.Environment["DOTNET_GCHeapHardLimit"] = "0x30000000";

        var (exitCode, container, error) = Child.Run(limited, TimeSpan.FromMinutes(5));

        Assert.True(exitCode == 0, error);
        Assert.Matches(@"^lmz: -T 16 lowered to [1-3]: coding 16 chunks at once at -6 would need more than the 768\.0 MiB this process may use\n", error);
        Assert.Equal(Cli.Expect(0, "-6", "-T", "1", "-c", source).Stdout, container);
    }

    [Fact]
    public void Threads_are_not_lowered_when_memory_suffices_and_nothing_is_said()
    {
        string source = _files.Copy("grammar.lsp");

        var result = Cli.Expect(0, "-v", "-1", "-T", "4", "-c", source);

        Assert.DoesNotContain("lowered", result.Error);
    }
}
