using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Lmz.Cluster.Tests;

/// <summary>
/// A cluster on loopback for one test: redis-server on a free port, lmz-cluster workers as child
/// processes, and a scratch folder; everything is killed and removed at the end.
/// </summary>
internal sealed class ClusterRig : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    private readonly Process _redis;
    private readonly List<(Process Process, string Log)> _workers = [];

    public ClusterRig()
    {
        string? server = FindRedis();
        if (server == null) Assert.Skip("redis-server is not installed (.ci/run installs it: apt-get install redis-server)");
        Folder = Directory.CreateTempSubdirectory("lmz-cluster-test-").FullName;
        RedisPort = FreePort();
        _redis = Process.Start(new ProcessStartInfo(server, ["--port", $"{RedisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        _redis.StandardOutput.ReadToEndAsync();
        WaitFor(() => Listening(RedisPort), TimeSpan.FromSeconds(20), "redis-server to listen");
    }

    public string Folder { get; }
    public int RedisPort { get; }
    public string Redis => $"127.0.0.1:{RedisPort}";

    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>Starts workers (each with <paramref name="threads"/> threads) and waits until each says it is ready.</summary>
    public List<Process> StartWorkers(int count, int threads, params string[] extra)
    {
        var started = new List<(Process, string)>();
        for (int i = 0; i < count; i++)
        {
            string log = PathOf($"worker-{_workers.Count + i}.log");
            var info = Tool("worker", "--redis", Redis, "-T", $"{threads}", "--port", $"{FreePort()}", "--gateway-port", $"{FreePort()}");
            foreach (var arg in extra) info.ArgumentList.Add(arg);
            info.RedirectStandardError = true;
            var process = Process.Start(info)!;
            var writer = new StreamWriter(log) { AutoFlush = true };
            process.ErrorDataReceived += (_, e) => { lock (writer) if (e.Data != null) writer.WriteLine(e.Data); };
            process.BeginErrorReadLine();
            started.Add((process, log));
        }
        foreach (var (process, log) in started)
        {
            WaitFor(() => process.HasExited || File.ReadAllText(log).Contains(" ready: "), Ready, $"a worker to start ({log})");
            Assert.False(process.HasExited, $"a worker exited at start: {File.ReadAllText(log)}");
        }
        _workers.AddRange(started);
        return started.Select(s => s.Item1).ToList();
    }

    /// <summary>lmz-cluster with <paramref name="args"/>, to the end (bounded); its exit code and stderr.</summary>
    public (int ExitCode, string Error) Run(TimeSpan limit, params string[] args) => Run(Tool(args), limit);

    /// <summary>Plain lmz (the CLI beside lmz-cluster) with <paramref name="args"/>.</summary>
    public (int ExitCode, string Error) RunLmz(TimeSpan limit, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Folder };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Lmz.Cli.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Run(info, limit);
    }

    public Process Start(params string[] args)
    {
        var info = Tool(args);
        info.RedirectStandardError = true;
        return Process.Start(info)!;
    }

    public static (int ExitCode, string Error) Finish(Process process, TimeSpan limit)
    {
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"lmz-cluster still running after {limit.TotalSeconds:F0} s; killed. Its stderr: {error.Result}");
        }
        return (process.ExitCode, error.Result);
    }

    /// <summary>The number of segments a worker is coding now, from `lmz-cluster status`.</summary>
    public int Running(int port)
    {
        var info = Tool("status", "--redis", Redis);
        info.RedirectStandardOutput = true;
        using var process = Process.Start(info)!;
        string table = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var row = table.Split('\n').FirstOrDefault(l => l.StartsWith($"127.0.0.1:{port} ", StringComparison.Ordinal));
        return row == null ? 0 : int.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]);
    }

    public static int PortOf(Process worker) => int.Parse(worker.StartInfo.ArgumentList[worker.StartInfo.ArgumentList.IndexOf("--port") + 1]);

    public void StopRedis() => _redis.Kill();

    private (int, string) Run(ProcessStartInfo info, TimeSpan limit)
    {
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        return Finish(process, limit);
    }

    private ProcessStartInfo Tool(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Folder, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Lmz.Cluster.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    public static void WaitFor(Func<bool> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) Assert.Fail($"waited {limit.TotalSeconds:F0} s for {what}");
            Thread.Sleep(100);
        }
    }

    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindRedis() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, "redis-server")).FirstOrDefault(File.Exists);

    public void Dispose()
    {
        foreach (var (process, _) in _workers)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.Dispose();
        }
        try { _redis.Kill(); } catch (InvalidOperationException) { }
        _redis.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
