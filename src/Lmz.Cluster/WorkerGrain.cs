using Orleans.Concurrency;

namespace Lmz.Cluster;

/// <summary>A worker's face to the cluster; reentrant, since every call is short and the coding runs in <see cref="SegmentRunner"/>.</summary>
[Reentrant, OnNamedSilo]
public sealed class WorkerGrain(SegmentRunner runner, ILocalSiloDetails silo) : Grain, IWorkerGrain
{
    public Task<WorkerInfo> Describe() => Task.FromResult(new WorkerInfo(
        silo.SiloAddress.Endpoint.ToString(), Environment.MachineName, runner.Threads, [.. runner.Bundles.Order()],
        runner.SegmentsDone, runner.Running, Cli.CliRunner.Version));

    public Task<Admission> Start(SegmentJob job) => Task.FromResult(runner.Start(job));

    public Task<SegmentResult?> Wait(Guid attempt, TimeSpan most) => runner.Wait(attempt, most);

    public Task Forget(Guid attempt)
    {
        runner.Forget(attempt);
        return Task.CompletedTask;
    }
}
