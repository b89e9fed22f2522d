using StackExchange.Redis;

namespace Lmz.Cluster;

/// <summary>
/// The workers of the cluster as one job sees them: found through the membership table, refreshed every
/// two seconds, and the job's link to Redis, whose loss ends the job (docs/CLUSTER.md, "Failures").
/// </summary>
public sealed class WorkerPool(IClusterClient client, ClusterConfiguration configuration, IConnectionMultiplexer redis) : IDisposable
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StoreSilence = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, Worker> _workers = [];
    private long _refreshed = long.MinValue / 2;
    private long? _emptySince;
    private Task<TimeSpan>? _ping;
    private long _storeAnswered = Environment.TickCount64;

    public IEnumerable<Worker> Live => _workers.Values.Where(w => !w.Gone);

    public int TotalThreads => Live.Sum(w => w.Info.Threads);

    /// <summary>Workers that left the membership since the last refresh (the dispatcher re-sends their segments).</summary>
    public List<Worker> Departed { get; } = [];

    public static async Task<WorkerPool> ConnectAsync(IClusterClient client, ClusterConfiguration configuration)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration.RedisOptions());
        return new WorkerPool(client, configuration, redis);
    }

    public async Task RefreshAsync(CancellationToken cancel)
    {
        _refreshed = Environment.TickCount64;
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(30), cancel);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            // The workers read the list from Redis; when that is what failed, say so rather than relay their error.
            await StoreAnswersAsync();
            throw new IOException($"cannot list the cluster's workers: {ClusterFailure.Describe(exception)}", exception);
        }
        var active = hosts.Keys.Select(s => s.ToParsableString()).ToHashSet();
        foreach (var key in active.Where(k => !_workers.ContainsKey(k)))
        {
            var grain = client.GetGrain<IWorkerGrain>(key);
            try
            {
                _workers[key] = new Worker(grain, await grain.Describe().WaitAsync(TimeSpan.FromSeconds(10), cancel));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                // Not ready yet, or on its way out: the next refresh asks again.
            }
        }
        foreach (var (key, worker) in _workers)
        {
            if (!worker.Gone && !active.Contains(key)) Departed.Add(worker);
            worker.Running = worker.Holding.Count;
        }
        _emptySince = Live.Any() ? null : _emptySince ?? Environment.TickCount64;
    }

    public Task RefreshIfDueAsync(CancellationToken cancel) =>
        Environment.TickCount64 - _refreshed >= RefreshPeriod.TotalMilliseconds ? RefreshAsync(cancel) : Task.CompletedTask;

    /// <summary>The least loaded live worker with a free thread and the bundle, that has not failed this segment.</summary>
    public Worker? Choose(string bundle, HashSet<string> refused) => Live
        .Where(w => w.Has(bundle) && w.Running < w.Info.Threads && !refused.Contains(w.Info.Address))
        .OrderBy(w => (double)w.Running / w.Info.Threads)
        .FirstOrDefault();

    /// <summary>Fails the job when no worker will ever take <paramref name="segment"/>; returns when one is merely busy.</summary>
    public void ThrowIfNoneCan(Segment segment)
    {
        var live = Live.ToList();
        if (live.Count == 0)
        {
            _emptySince ??= Environment.TickCount64;
            if (Environment.TickCount64 - _emptySince.Value > configuration.Patience.TotalMilliseconds)
                throw new IOException($"no worker is left in the cluster at Redis {configuration.Redis} (waited {configuration.Patience.TotalSeconds:F0} s)");
            return;
        }
        var able = live.Where(w => w.Has(segment.Bundle)).ToList();
        if (able.Count == 0)
            throw new IOException($"no worker has model bundle {segment.Bundle}; install it beside the workers (lmz-cluster worker --model-dir DIR)");
        if (able.All(w => segment.Refused.Contains(w.Info.Address)))
            throw new IOException($"{segment.Describe()} failed on every worker that has its bundle");
    }

    private async Task StoreAnswersAsync()
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(StoreSilence);
        }
        catch (Exception exception)
        {
            throw new IOException($"lost the cluster's Redis at {configuration.Redis}: {ClusterFailure.Describe(exception)}", exception);
        }
    }

    /// <summary>Pings Redis about once a second; a failed ping, or none answered for five seconds, ends the job.</summary>
    public void ThrowIfStoreLost()
    {
        if (_ping is { IsCompleted: true } done)
        {
            if (!done.IsCompletedSuccessfully)
                throw new IOException($"lost the cluster's Redis at {configuration.Redis}: {ClusterFailure.Describe(done.Exception!)}");
            _storeAnswered = Environment.TickCount64;
            _ping = null;
        }
        if (_ping == null && Environment.TickCount64 - _storeAnswered >= 1000) _ping = redis.GetDatabase().PingAsync();
        if (Environment.TickCount64 - _storeAnswered > StoreSilence.TotalMilliseconds)
            throw new IOException($"lost the cluster's Redis at {configuration.Redis}: no answer for {StoreSilence.TotalSeconds:F0} s");
    }

    public void Dispose() => redis.Dispose();
}
