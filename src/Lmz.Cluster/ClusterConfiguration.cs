using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Lmz.Cluster;

/// <summary>What workers and clients of one cluster must agree on: the Redis membership table, TLS and the message limit.</summary>
/// <param name="Patience">How long a client waits to reach a worker, or for one to join when none is left (--wait).</param>
public sealed record ClusterConfiguration(string Redis, ClusterTls? Tls, TimeSpan Patience)
{
    public const string ClusterId = "lmz";

    /// <summary>How long a client waits for a worker unless --wait says otherwise.</summary>
    public const int DefaultPatienceSeconds = 20;

    /// <summary>A segment or its member, plus headroom: the largest message sent (docs/CLUSTER.md, "Segment size").</summary>
    public const int MaxMessageBytes = Cli.Segments.MaxSize + (Cli.Segments.MaxSize >> 4) + (1 << 20);

    /// <summary>HOST:PORT as Redis' client takes it; failing fast keeps a typo from hanging the command.</summary>
    public ConfigurationOptions RedisOptions()
    {
        var options = ConfigurationOptions.Parse(Redis);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        options.ConnectRetry = 1;
        return options;
    }

    public void ApplyTo(ISiloBuilder silo)
    {
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
        silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions());
        silo.Configure<SiloMessagingOptions>(o => o.MaxMessageBodySize = MaxMessageBytes);
        // A killed worker is declared dead within seconds rather than the default half-minute or more.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
        if (Tls != null) silo.UseTls(Tls.Certificate, Tls.Configure);
    }

    public void ApplyTo(IClientBuilder client)
    {
        client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
        client.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions());
        client.Configure<ClientMessagingOptions>(o =>
        {
            o.MaxMessageBodySize = MaxMessageBytes;
            o.ResponseTimeout = TimeSpan.FromSeconds(60);
        });
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
        if (Tls != null) client.UseTls(Tls.Certificate, Tls.Configure);
    }

    /// <summary>Starts a client of the cluster; a cluster with no worker or a wrong certificate fails here with one line.</summary>
    public async Task<IHost> ConnectAsync(CancellationToken cancel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(ApplyTo);
        var host = builder.Build();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        patience.CancelAfter(Patience);
        try
        {
            await host.StartAsync(patience.Token);
            return host;
        }
        catch (Exception exception) when (!cancel.IsCancellationRequested)
        {
            host.Dispose();
            string reason = patience.IsCancellationRequested
                ? $"no worker answered within {Patience.TotalSeconds:F0} s (are workers running? {(Tls == null ? "workers started with --tls need it here too" : "the workers must hold the same certificate")})"
                : ClusterFailure.Describe(exception);
            throw new IOException($"cannot reach the cluster at Redis {Redis}: {reason}", exception);
        }
    }

    /// <summary>An address given on the command line: an IP address, or a host name resolved now.</summary>
    public static IPAddress ParseAddress(string text) =>
        IPAddress.TryParse(text, out var address) ? address : Dns.GetHostAddresses(text).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
}

/// <summary>One line for a failure inside Orleans or Redis, whose exceptions nest the real reason.</summary>
public static class ClusterFailure
{
    public static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner is AggregateException { InnerException: { } next }) inner = next;
        string text = inner.Message.Split('\n')[0].Trim();
        return inner.InnerException is { } cause && !text.Contains(cause.Message.Split('\n')[0], StringComparison.Ordinal)
            ? $"{text} ({cause.Message.Split('\n')[0].Trim()})" : text;
    }
}
