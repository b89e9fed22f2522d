using System.CommandLine;
using System.Net;
using Lmz.Cli;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Lmz.Cluster;

/// <summary>
/// `lmz-cluster worker`: a silo that codes segments for the cluster, listening on loopback unless told
/// otherwise, until SIGINT or SIGTERM (docs/CLUSTER.md, "Workers").
/// </summary>
public static class WorkerCommand
{
    public static Command Create(CliConsole console)
    {
        var redis = ClientOptions.Redis();
        var tls = ClientOptions.Tls();
        var threads = new Option<int>("--threads", "-T") { Description = "Code N segments at once (0 = all cores)", HelpName = "N", DefaultValueFactory = _ => 0 };
        var listen = new Option<string>("--listen") { Description = "Listen on ADDR (0.0.0.0 for every interface)", HelpName = "ADDR", DefaultValueFactory = _ => "127.0.0.1" };
        var advertise = new Option<string?>("--advertise") { Description = "The address others reach this worker at (default: --listen, or this machine's first IPv4 address)", HelpName = "ADDR" };
        var port = new Option<int>("--port") { Description = "Port between workers", HelpName = "PORT", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Port clients connect to", HelpName = "PORT", DefaultValueFactory = _ => 30000 };
        var modelDirs = new Option<string[]>("--model-dir") { Description = "Also serve the model bundle in DIR (repeatable); the installed bundles are always served", HelpName = "DIR" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Log the cluster's warnings" };
        var command = new Command("worker", "Run a worker of an lmz cluster: code segments for lmz-cluster clients until SIGINT or SIGTERM");
        foreach (var option in new Option[] { redis, tls, threads, listen, advertise, port, gatewayPort, modelDirs, verbose }) command.Options.Add(option);
        command.SetAction(result =>
        {
            try
            {
                var settings = new WorkerSettings(ClientOptions.Configuration(result.GetValue(redis), result.GetValue(tls))(),
                    result.GetValue(threads) is > 0 and var n ? n : Environment.ProcessorCount,
                    ClusterConfiguration.ParseAddress(result.GetValue(listen)!), result.GetValue(advertise), result.GetValue(port), result.GetValue(gatewayPort),
                    result.GetValue(modelDirs) ?? [], result.GetValue(verbose));
                return Serve(settings, console);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                console.Error.WriteLine($"{Program.Name}: worker: {ClusterFailure.Describe(exception)}");
                return Diagnostics.ErrorCode;
            }
        });
        return command;
    }

    private sealed record WorkerSettings(ClusterConfiguration Cluster, int Threads, IPAddress Listen, string? Advertise, int Port, int GatewayPort,
        IReadOnlyList<string> ModelDirectories, bool Verbose);

    private static int Serve(WorkerSettings settings, CliConsole console)
    {
        using var runner = new SegmentRunner(settings.Threads, LoadBundles(settings.ModelDirectories, console), settings.ModelDirectories);
        var advertised = settings.Advertise != null ? ClusterConfiguration.ParseAddress(settings.Advertise)
            : settings.Listen.Equals(IPAddress.Any) ? Dns.GetHostAddresses(Dns.GetHostName()).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            : settings.Listen;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (settings.Verbose) builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            settings.Cluster.ApplyTo(silo);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = advertised;
                (o.SiloPort, o.GatewayPort) = (settings.Port, settings.GatewayPort);
                o.SiloListeningEndpoint = new IPEndPoint(settings.Listen, settings.Port);
                o.GatewayListeningEndpoint = new IPEndPoint(settings.Listen, settings.GatewayPort);
            });
            silo.Services.AddSingleton(runner);
            silo.AddPlacementDirector<OnNamedSilo, OnNamedSiloDirector>();
        });
        using var host = builder.Build();
        host.StartAsync(console.Interrupt).GetAwaiter().GetResult();
        string where = $"{advertised}:{settings.Port} (clients: {settings.Listen}:{settings.GatewayPort})";
        if (settings.Cluster.Tls == null)
            console.Error.WriteLine($"{Program.Name}: warning: no --tls: anyone who reaches {settings.Listen} ports {settings.Port} and {settings.GatewayPort} can join or submit work, unencrypted");
        console.Error.WriteLine($"{Program.Name}: worker {where} ready: {settings.Threads} threads, bundles {string.Join(", ", runner.Bundles.Select(b => b[..16]))}");
        console.Error.Flush();
        try
        {
            Task.Delay(Timeout.Infinite, console.Interrupt).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        host.StopAsync(stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter().GetResult();
        console.Error.WriteLine($"{Program.Name}: worker {where} stopped after {runner.SegmentsDone} segments");
        return Diagnostics.Ok;
    }

    /// <summary>The installed bundles and those of --model-dir; one that does not load is reported and left out.</summary>
    private static List<LmzModelBundle> LoadBundles(IReadOnlyList<string> extra, CliConsole console)
    {
        foreach (var missing in extra.Where(d => !Directory.Exists(d))) throw new DirectoryNotFoundException($"{missing}: No such file or directory");
        var bundles = new List<LmzModelBundle>();
        foreach (var directory in LmzModelBundle.InstalledDirectories(extra))
        {
            try
            {
                bundles.Add(LmzModelBundle.Load(directory));
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                console.Error.WriteLine($"{Program.Name}: warning: {directory}: {exception.Message}");
            }
        }
        return bundles;
    }
}
