using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Lmz.Cluster.Tests;

/// <summary>
/// lmz-cluster end to end on loopback: the same bytes as local `lmz --segment-size` with any number of
/// workers, a worker killed mid-segment, Redis stopped mid-job, a missing bundle and TLS.
/// </summary>
public sealed class ClusterTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan Short = TimeSpan.FromMinutes(2);

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Compressor.sln"))) return dir.FullName;
        throw new InvalidOperationException("Compressor.sln not found");
    }

    private static string Shared(string relative)
    {
        string path = Path.Combine(Root(), "..", "shared", "corpora", relative);
        if (!File.Exists(path)) Assert.Skip($"needs ../shared/corpora/{relative} beside the repository, which is absent");
        return path;
    }

    /// <summary>600,000 bytes of English text from the committed Canterbury corpus.</summary>
    private static byte[] Text()
    {
        string corpora = Path.Combine(Root(), "corpora", "canterbury");
        return [.. File.ReadAllBytes(Path.Combine(corpora, "plrabn12.txt")).Concat(File.ReadAllBytes(Path.Combine(corpora, "alice29.txt"))).Take(600_000)];
    }

    private static void Succeeds((int ExitCode, string Error) run, string what) => Assert.True(run.ExitCode == 0, $"{what}: exit {run.ExitCode}: {run.Error}");

    private static void SameFile(string expected, string actual) =>
        Assert.True(File.ReadAllBytes(expected).AsSpan().SequenceEqual(File.ReadAllBytes(actual)), $"{actual} differs from {expected}");

    [Fact]
    public void Dickens_and_osdb_at_level_1_in_4_MiB_segments_are_the_same_bytes_with_one_worker_three_workers_and_local_lmz()
    {
        byte[] input = [.. File.ReadAllBytes(Shared("silesia/dickens")).Take(12 << 20), .. File.ReadAllBytes(Shared("silesia/osdb")).Take(12 << 20)];
        using var rig = new ClusterRig();
        File.WriteAllBytes(rig.PathOf("in"), input);
        Succeeds(rig.RunLmz(Long, "-1", "--segment-size", "4M", "-T", "2", "-o", "local.lmz", "in"), "local lmz");
        var first = rig.StartWorkers(1, 2);
        Succeeds(rig.Run(Long, "-1", "--segment-size", "4M", "--redis", rig.Redis, "-o", "one.lmz", "in"), "one worker");
        SameFile(rig.PathOf("local.lmz"), rig.PathOf("one.lmz"));
        first[0].Kill();
        rig.StartWorkers(3, 1);
        Succeeds(rig.Run(Long, "-1", "--segment-size", "4M", "--redis", rig.Redis, "-o", "three.lmz", "in"), "three workers");
        SameFile(rig.PathOf("local.lmz"), rig.PathOf("three.lmz"));
        Succeeds(rig.Run(Long, "-d", "--redis", rig.Redis, "-o", "back", "three.lmz"), "decompress on three workers");
        SameFile(rig.PathOf("in"), rig.PathOf("back"));
    }

    [Fact]
    public void Text_at_level_6_in_100_KB_segments_is_the_same_bytes_with_one_worker_and_with_three_when_one_is_killed_holding_a_segment()
    {
        using var rig = new ClusterRig();
        File.WriteAllBytes(rig.PathOf("text"), Text());
        Succeeds(rig.RunLmz(Long, "-6", "--segment-size", "100000", "-o", "local.lmz", "text"), "local lmz");
        var one = rig.StartWorkers(1, 2);
        Succeeds(rig.Run(Long, "-6", "--segment-size", "100000", "--redis", rig.Redis, "-o", "one.lmz", "text"), "one worker");
        SameFile(rig.PathOf("local.lmz"), rig.PathOf("one.lmz"));
        one[0].Kill();
        // Three workers, one killed while it codes a segment: the same bytes still (the 20 MB test runs three without a fault).
        var more = rig.StartWorkers(3, 1);
        var client = rig.Start("-6", "--segment-size", "100000", "--redis", rig.Redis, "-v", "-o", "fault.lmz", "text");
        var victim = more[0];
        ClusterRig.WaitFor(() => client.HasExited || rig.Running(ClusterRig.PortOf(victim)) > 0, Short, "the victim to hold a segment");
        victim.Kill();
        var (code, error) = ClusterRig.Finish(client, Long);
        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Matches(@"segment \d+ \(input bytes \d+\.\.\d+\): worker 127\.0\.0\.1:" + ClusterRig.PortOf(victim) + @" failed .*; sending it to another worker", error);
        SameFile(rig.PathOf("local.lmz"), rig.PathOf("fault.lmz"));

        // fault.lmz is local.lmz byte for byte, so plain lmz -d decodes it as it decodes any joined file.
        Succeeds(rig.Run(Long, "-d", "--redis", rig.Redis, "-o", "back", "fault.lmz"), "decompress");
        SameFile(rig.PathOf("text"), rig.PathOf("back"));
    }

    [Fact]
    public void Redis_stopped_mid_job_fails_with_one_line_and_leaves_no_output()
    {
        using var rig = new ClusterRig();
        File.WriteAllBytes(rig.PathOf("text"), Text());
        var workers = rig.StartWorkers(2, 1);
        var client = rig.Start("-6", "--segment-size", "100000", "--redis", rig.Redis, "-o", "out.lmz", "text");
        ClusterRig.WaitFor(() => client.HasExited || rig.Running(ClusterRig.PortOf(workers[0])) > 0, Short, "a worker to hold a segment");
        rig.StopRedis();
        var (code, error) = ClusterRig.Finish(client, Short);
        Assert.Equal(1, code);
        Assert.Matches(@"^lmz-cluster: text: lost the cluster's Redis at 127\.0\.0\.1:\d+: .+\n$", error);
        Assert.Equal(["text"], Directory.GetFiles(rig.Folder).Select(Path.GetFileName).Where(f => !f!.EndsWith(".log")));
    }

    [Fact]
    public void A_bundle_no_worker_has_fails_naming_its_fingerprint()
    {
        using var rig = new ClusterRig();
        File.WriteAllBytes(rig.PathOf("text"), Text()[..200_000]);
        string other = rig.PathOf("other-bundle");
        Directory.CreateDirectory(other);
        foreach (var file in Directory.GetFiles(Path.Combine(Root(), "models", "lm"))) File.Copy(file, Path.Combine(other, Path.GetFileName(file)));
        File.AppendAllText(Path.Combine(other, "learning.json"), "\n");
        string fingerprint;
        using (var bundle = LmzModelBundle.Load(other)) fingerprint = bundle.FingerprintHex;
        rig.StartWorkers(1, 1);
        var (code, error) = rig.Run(Short, "-1", "--segment-size", "100000", "--redis", rig.Redis, "--model-dir", other, "-o", "out.lmz", "text");
        Assert.Equal(1, code);
        Assert.Equal($"lmz-cluster: text: no worker has model bundle {fingerprint}; install it beside the workers (lmz-cluster worker --model-dir DIR)\n", error);
        Assert.False(File.Exists(rig.PathOf("out.lmz")));
    }

    [Fact]
    public void With_tls_only_a_client_holding_the_cluster_certificate_can_submit_work()
    {
        using var rig = new ClusterRig();
        File.WriteAllBytes(rig.PathOf("text"), Text()[..300_000]);
        File.WriteAllBytes(rig.PathOf("cluster.pfx"), SelfSigned("lmz-test-cluster"));
        File.WriteAllBytes(rig.PathOf("stranger.pfx"), SelfSigned("lmz-test-stranger"));
        rig.StartWorkers(2, 1, "--tls", rig.PathOf("cluster.pfx"));
        string[] job = ["-1", "--segment-size", "100000", "--redis", rig.Redis];
        var (plain, plainError) = rig.Run(Short, [.. job, "--wait", "5", "-o", "plain.lmz", "text"]);
        Assert.True(plain == 1, plainError);
        Assert.Contains("cannot reach the cluster", plainError);
        var (stranger, strangerError) = rig.Run(Short, [.. job, "--wait", "5", "--tls", rig.PathOf("stranger.pfx"), "-o", "stranger.lmz", "text"]);
        Assert.True(stranger == 1, strangerError);
        Assert.Contains("cannot reach the cluster", strangerError);
        Assert.False(File.Exists(rig.PathOf("plain.lmz")) || File.Exists(rig.PathOf("stranger.lmz")));
        Succeeds(rig.Run(Short, [.. job, "--tls", rig.PathOf("cluster.pfx"), "-o", "member.lmz", "text"]), "with the certificate");
        Succeeds(rig.RunLmz(Short, "-1", "--segment-size", "100000", "-o", "local.lmz", "text"), "local lmz");
        SameFile(rig.PathOf("local.lmz"), rig.PathOf("member.lmz"));
    }

    private static byte[] SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.Export(X509ContentType.Pfx);
    }
}
