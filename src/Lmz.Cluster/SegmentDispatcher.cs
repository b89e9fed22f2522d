namespace Lmz.Cluster;

/// <summary>
/// Sends segments to workers and writes their results in input order: at most a window of segments is
/// held (read but not yet written), a worker gets no more segments than it has threads, and a segment
/// whose worker fails, leaves or stalls is sent to another. Which worker codes what never changes the
/// bytes, since each segment is coded alone (docs/CLUSTER.md).
/// </summary>
public sealed class SegmentDispatcher(WorkerPool pool, int? window, TextWriter? log, string name)
{
    /// <summary>How long one Wait call lasts on the worker; the client's response timeout is far above it.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(5);
    private const int MaxTries = 5;
    private double _overhead;
    private int _finished;

    public async Task RunAsync(IEnumerable<Segment> source, Stream output, IProgress<LmzProgress>? progress, Func<Segment, long> writeLocal, CancellationToken cancel)
    {
        await pool.RefreshAsync(cancel);
        int limit = window ?? Math.Clamp(2 * pool.TotalThreads, 2, 64);
        log?.WriteLine($"{name}: {pool.Live.Count()} workers with {pool.TotalThreads} threads; up to {limit} segments held");
        var open = new SortedDictionary<long, Segment>();
        using var input = source.GetEnumerator();
        bool more = true;
        long next = 0, plain = 0, packed = 0;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            pool.ThrowIfStoreLost();
            while (more && open.Count < limit && (more = input.MoveNext())) open.Add(input.Current.Index, input.Current);
            while (open.TryGetValue(next, out var head) && (head.Result != null || head.Local))
            {
                long written = head.Local ? writeLocal(head) : Write(output, head.Result!);
                (plain, packed) = head.Work == SegmentWork.Compress ? (plain + head.PlainLength, packed + written) : (plain + written, packed + head.PackedLength);
                progress?.Report(new LmzProgress(plain, packed));
                open.Remove(next++);
            }
            if (!more && open.Count == 0)
            {
                if (_finished > 0) log?.WriteLine($"{name}: {_finished} segments; sending, waiting and receiving cost {_overhead / _finished:F0} ms per segment beyond its coding");
                return;
            }
            await AssignAsync(open.Values, cancel);
            var waits = open.Values.Where(s => s.Pending != null).Select(s => (Task)s.Pending!).ToList();
            waits.Add(Task.Delay(TimeSpan.FromSeconds(1), cancel));
            await Task.WhenAny(waits);
            foreach (var segment in open.Values.Where(s => s.Pending is { IsCompleted: true }).ToList()) Collect(segment);
            await pool.RefreshIfDueAsync(cancel);
            foreach (var worker in pool.Departed) Lost(worker, "left the cluster");
            pool.Departed.Clear();
        }
    }

    private static long Write(Stream output, byte[] result)
    {
        output.Write(result);
        return result.Length;
    }

    private async Task AssignAsync(IEnumerable<Segment> open, CancellationToken cancel)
    {
        foreach (var segment in open.Where(s => s.Result == null && !s.Local && s.Worker == null).ToList())
        {
            while (segment.Worker == null)
            {
                var worker = pool.Choose(segment.Bundle, segment.Refused);
                if (worker == null)
                {
                    // Busy for now; later segments may name another bundle with free workers.
                    pool.ThrowIfNoneCan(segment);
                    break;
                }
                await StartAsync(segment, worker, cancel);
            }
        }
    }

    private async Task StartAsync(Segment segment, Worker worker, CancellationToken cancel)
    {
        var job = segment.Job(Guid.NewGuid());
        long sent = System.Diagnostics.Stopwatch.GetTimestamp();
        Admission admission;
        try
        {
            admission = await worker.Grain.Start(job).WaitAsync(cancel);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            Lost(worker, ClusterFailure.Describe(exception));
            return;
        }
        switch (admission)
        {
            case Admission.Accepted:
                segment.Start(worker, job.Attempt, worker.Grain.Wait(job.Attempt, WaitSlice), sent);
                worker.Running++;
                break;
            case Admission.Busy:
                worker.Running = worker.Info.Threads;
                break;
            default:
                worker.Drop(segment.Bundle);
                break;
        }
    }

    private void Collect(Segment segment)
    {
        var worker = segment.Worker!;
        var pending = segment.Pending!;
        if (!pending.IsCompletedSuccessfully)
        {
            Lost(worker, ClusterFailure.Describe(pending.Exception ?? (Exception)new TaskCanceledException()));
            return;
        }
        if (pending.Result is not { } result)
        {
            segment.Continue(worker.Grain.Wait(segment.Attempt, WaitSlice));
            return;
        }
        worker.Running--;
        if (result.Data != null)
        {
            _overhead += System.Diagnostics.Stopwatch.GetElapsedTime(segment.Sent).TotalMilliseconds - result.CodingMilliseconds;
            _finished++;
            segment.Finish(result.Data);
        }
        else if (!result.Retry) throw new InvalidDataException($"{segment.Describe()}: {result.Error}");
        else Retry(segment, worker, result.Error ?? "failed");
    }

    /// <summary>A worker that failed a call is out of this job; its segments go elsewhere.</summary>
    private void Lost(Worker worker, string reason)
    {
        if (worker.Gone) return;
        worker.Gone = true;
        log?.WriteLine($"{name}: worker {worker.Info.Address} lost: {reason}");
        foreach (var segment in worker.Holding.ToList()) Retry(segment, worker, reason);
    }

    private void Retry(Segment segment, Worker worker, string reason)
    {
        segment.Abandon(worker);
        if (segment.Tries >= MaxTries) throw new IOException($"{segment.Describe()} failed {segment.Tries} times; last on worker {worker.Info.Address}: {reason}");
        log?.WriteLine($"{name}: {segment.Describe()}: worker {worker.Info.Address} failed ({reason}); sending it to another worker");
        if (!worker.Gone) _ = worker.Grain.Forget(segment.Attempt).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
    }
}
