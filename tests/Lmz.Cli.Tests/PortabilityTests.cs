namespace Lmz.Cli.Tests;

/// <summary>
/// Every file decodes on every machine: containers made with .NET's vector paths switched off
/// (no AVX-512, no AVX2, no hardware intrinsics at all: the scalar kernels) equal the ones made
/// with all of them, and decode each other. (ONNX Runtime's own instruction sets are checked
/// under qemu by bench/portability.sh.)
/// </summary>
public sealed class PortabilityTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> Switches() => new() { "DOTNET_EnableAVX512F=0", "DOTNET_EnableAVX2=0", "DOTNET_EnableHWIntrinsic=0" };

    /// <summary>Runs lmz under <paramref name="environment"/>; one run decodes a whole golden set, hence the long limit.</summary>
    private static (int ExitCode, byte[] Stdout, string Error) Run(string? environment, params string[] args)
    {
        var info = Child.Lmz(args);
        if (environment != null)
        {
            var (name, value) = (environment.Split('=')[0], environment.Split('=')[1]);
            info.Environment[name] = value;
        }
        return Child.Run(info, TimeSpan.FromMinutes(30));
    }

    private string Sample()
    {
        // 6,000 bytes of alice29.txt: one chunk at the default level, past several re-primes.
        var alice = File.ReadAllBytes(TestFiles.CorpusFile("alice29.txt"));
        return _files.Write("sample.txt", alice.AsSpan(20000, 6000).ToArray());
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public void Default_level_containers_are_identical_with_and_without_a_vector_path(string environment)
    {
        string sample = Sample();
        var native = Run(null, "-c", "-T", "1", sample);
        var switched = Run(environment, "-c", "-T", "1", sample);
        Assert.Equal((0, ""), (native.ExitCode, native.Error));
        Assert.Equal((0, ""), (switched.ExitCode, switched.Error));
        Assert.True(native.Stdout.AsSpan().SequenceEqual(switched.Stdout), $"containers differ under {environment}");
        string packed = _files.Write("sample.txt.lmz", native.Stdout);
        var decoded = Run(environment, "-d", "-c", packed);
        Assert.Equal((0, ""), (decoded.ExitCode, decoded.Error));
        Assert.Equal(File.ReadAllBytes(sample), decoded.Stdout);
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public void Byte_mixer_containers_are_identical_with_and_without_a_vector_path(string environment)
    {
        // obj1 is not text: its chunk goes to the byte-level context mixer.
        string sample = _files.Write("obj1", File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot, "corpora", "calgary", "obj1")));
        var native = Run(null, "-c", "-T", "1", sample);
        var switched = Run(environment, "-c", "-T", "1", sample);
        Assert.Equal((0, ""), (native.ExitCode, native.Error));
        Assert.Equal((0, ""), (switched.ExitCode, switched.Error));
        Assert.True(native.Stdout.AsSpan().SequenceEqual(switched.Stdout), $"containers differ under {environment}");
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Golden_containers_decode_without_the_vector_path(string environment)
    {
        // Level 9 trains a float network per window: scalar, that takes minutes even on these
        // small files, so with no intrinsics at all it is left to AdaptiveNetworkTests' kernels.
        // Scalar, only the newest version's set: older sets run the same decoder paths (the
        // network and its kernels do not change with the version) under the other switches.
        bool scalar = environment.StartsWith("DOTNET_EnableHWIntrinsic", StringComparison.Ordinal);
        string golden = Path.Combine(TestFiles.RepositoryRoot, "tests", "golden");
        var dirs = Directory.GetDirectories(golden).OrderBy(d => int.Parse(Path.GetFileName(d)[1..])).ToList(); // v6 … v15, by number
        // Copies in one folder per version, decoded by one process: starting lmz and compiling its
        // code once, not once per file, is most of what this test used to spend.
        var expected = new List<(string Output, string Sha256)>();
        foreach (var dir in scalar ? dirs.TakeLast(1) : dirs)
        {
            string copies = Directory.CreateDirectory(_files.PathOf(Path.GetFileName(dir))).FullName;
            foreach (var row in File.ReadAllLines(Path.Combine(dir, "MANIFEST.tsv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
                .Where(r => !(scalar && r[2] == "9")))
            {
                File.Copy(Path.Combine(dir, row[0]), Path.Combine(copies, row[0]));
                expected.Add((Path.Combine(copies, row[0][..^".lmz".Length]), row[3]));
            }
        }

        // Two processes, one a core, each with every other file by size: most files decode on one thread.
        var bySize = expected.OrderByDescending(e => new FileInfo(e.Output + ".lmz").Length).ToList();
        var runs = Enumerable.Range(0, 2).Select(half => Task.Run(() => Run(environment,
            ["-d", "-q", "-T", "1", .. bySize.Where((_, i) => i % 2 == half).Select(e => e.Output + ".lmz")]))).ToArray();
        foreach (var decoded in await Task.WhenAll(runs))
            Assert.True(decoded.ExitCode == 0, $"under {environment}: {decoded.Error}");
        Assert.All(expected, e => Assert.True(File.Exists(e.Output) && e.Sha256 == Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(e.Output))),
            $"{Path.GetFileName(e.Output)} under {environment}: missing or not the original"));
    }
}
