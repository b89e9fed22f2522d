using System.CommandLine;
using Lmz.Cli;

namespace Lmz.Cluster;

/// <summary>The options lmz-cluster adds to lmz's command line, shared by the client, `worker` and `status`.</summary>
public static class ClientOptions
{
    /// <summary>Where the cluster's Redis is when --redis is not given.</summary>
    public const string RedisVariable = "LMZ_CLUSTER_REDIS";

    public static Option<string?> Redis() => new("--redis")
    {
        Description = $"The cluster's Redis membership table, HOST:PORT (default: ${RedisVariable})",
        HelpName = "HOST:PORT",
    };

    public static Option<string?> Tls() => new("--tls")
    {
        Description = $"Talk TLS with the cluster's certificate (PKCS#12 with its key; password in ${ClusterTls.PasswordVariable}); peers must hold the same one",
        HelpName = "CERT",
    };

    /// <summary>The cluster the options name; a missing --redis or a bad certificate is an error when first used.</summary>
    public static Option<int> Wait() => new("--wait")
    {
        Description = "Wait up to SECONDS to reach a worker, or for one to join when none is left",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => ClusterConfiguration.DefaultPatienceSeconds,
    };

    public static Func<ClusterConfiguration> Configuration(string? redis, string? tls, int waitSeconds = ClusterConfiguration.DefaultPatienceSeconds) => () =>
    {
        string address = redis ?? Environment.GetEnvironmentVariable(RedisVariable)
            ?? throw new ArgumentException($"no cluster named: give --redis HOST:PORT or set {RedisVariable}");
        if (waitSeconds <= 0) throw new ArgumentException($"--wait: {waitSeconds} is not a positive number of seconds");
        return new ClusterConfiguration(address, tls == null ? null : ClusterTls.Load(tls), TimeSpan.FromSeconds(waitSeconds));
    };

    public static CommandExtension Extension(CliConsole console)
    {
        var redis = Redis();
        var tls = Tls();
        var wait = Wait();
        var window = new Option<int?>("--window")
        {
            Description = "Hold at most N segments read but not yet written (default: twice the workers' threads, 2..64); memory is about N x segment size",
            HelpName = "N",
        };
        return new CommandExtension(Program.Name,
            "Lossless compression with a language model, coded by a cluster of lmz workers (lmz-cluster worker); the same files as lmz --segment-size",
            [redis, tls, wait, window],
            (result, settings) => settings with
            {
                Codec = new ClusterCodec(Configuration(result.GetValue(redis), result.GetValue(tls), result.GetValue(wait)), result.GetValue(window) is { } n and > 0 ? n : null,
                    settings.Verbose ? console.Error : null, Program.Name),
            });
    }
}
