using System.CommandLine;
using Lmz.Cli;
using Microsoft.Extensions.DependencyInjection;

namespace Lmz.Cluster;

/// <summary>`lmz-cluster status`: one line per worker with its address, machine, threads, work and bundles.</summary>
public static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var redis = ClientOptions.Redis();
        var tls = ClientOptions.Tls();
        var command = new Command("status", "List the workers of an lmz cluster: address, machine, threads, segments running and done, bundles");
        command.Options.Add(redis);
        command.Options.Add(tls);
        var wait = ClientOptions.Wait();
        command.Options.Add(wait);
        command.SetAction(result =>
        {
            try
            {
                return Show(ClientOptions.Configuration(result.GetValue(redis), result.GetValue(tls), result.GetValue(wait))(), console).GetAwaiter().GetResult();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                console.Error.WriteLine($"{Program.Name}: status: {ClusterFailure.Describe(exception)}");
                return Diagnostics.ErrorCode;
            }
        });
        return command;
    }

    private static async Task<int> Show(ClusterConfiguration configuration, CliConsole console)
    {
        using var host = await configuration.ConnectAsync(console.Interrupt);
        var client = host.Services.GetRequiredService<IClusterClient>();
        var hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        console.Out.WriteLine($"{"worker",-22} {"machine",-16} {"threads",7} {"running",7} {"done",8}  bundles");
        foreach (var silo in hosts.Keys.OrderBy(s => s.ToParsableString()))
        {
            try
            {
                var info = await client.GetGrain<IWorkerGrain>(silo.ToParsableString()).Describe().WaitAsync(TimeSpan.FromSeconds(10));
                console.Out.WriteLine($"{info.Address,-22} {info.Machine,-16} {info.Threads,7} {info.Running,7} {info.SegmentsDone,8}  {string.Join(", ", info.Bundles.Select(b => b[..16]))}");
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                console.Out.WriteLine($"{silo.Endpoint,-22} not answering: {ClusterFailure.Describe(exception)}");
            }
        }
        await host.StopAsync();
        return Diagnostics.Ok;
    }
}
