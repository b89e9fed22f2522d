using System.Collections.Concurrent;

namespace Lmz.Cluster;

/// <summary>
/// A worker's coding: its model bundles by fingerprint, one segment per thread at a time, and the
/// results until the client collects them. One per silo, so results outlive the grain's activation.
/// </summary>
public sealed class SegmentRunner : IDisposable
{
    /// <summary>A result nobody has asked for this long is dropped (its client is gone); the client asks every few seconds.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, LmzModelBundle> _bundles;
    private readonly IReadOnlyList<string> _directories;
    private readonly ConcurrentDictionary<Guid, Attempt> _attempts = new();
    private readonly Timer _sweeper;
    private int _running;
    private long _done;

    private sealed class Attempt(Task<SegmentResult> work, CancellationTokenSource cancel)
    {
        public Task<SegmentResult> Work { get; } = work;
        public CancellationTokenSource Cancel { get; } = cancel;
        public long LastAsked { get; set; } = Environment.TickCount64;
    }

    public SegmentRunner(int threads, IReadOnlyList<LmzModelBundle> bundles, IReadOnlyList<string> directories)
    {
        Threads = threads;
        _bundles = bundles.GroupBy(b => b.FingerprintHex).ToDictionary(g => g.Key, g => g.First());
        _directories = directories;
        _sweeper = new Timer(_ => Sweep(), null, Lease, Lease);
    }

    public int Threads { get; }

    public IReadOnlyCollection<string> Bundles => _bundles.Keys;

    public long SegmentsDone => Interlocked.Read(ref _done);

    public int Running => Volatile.Read(ref _running);

    /// <summary>The bundle a fingerprint names: in full, or as the prefix a container records.</summary>
    private LmzModelBundle? Find(string fingerprint) =>
        _bundles.TryGetValue(fingerprint, out var bundle) ? bundle : _bundles.FirstOrDefault(b => b.Key.StartsWith(fingerprint, StringComparison.Ordinal)).Value;

    public Admission Start(SegmentJob job)
    {
        if (Find(job.Bundle) == null) return Admission.NoBundle;
        if (_attempts.ContainsKey(job.Attempt)) return Admission.Accepted;
        if (Interlocked.Increment(ref _running) > Threads)
        {
            Interlocked.Decrement(ref _running);
            return Admission.Busy;
        }
        var cancel = new CancellationTokenSource();
        _attempts[job.Attempt] = new Attempt(Task.Run(() => Code(job, cancel.Token)), cancel);
        return Admission.Accepted;
    }

    /// <summary>The result once done; null while running; a retryable failure for an attempt this worker does not hold (it restarted).</summary>
    public async Task<SegmentResult?> Wait(Guid attempt, TimeSpan most)
    {
        if (!_attempts.TryGetValue(attempt, out var running)) return new SegmentResult(null, "the worker holds no such segment (restarted or expired)", Retry: true);
        running.LastAsked = Environment.TickCount64;
        if (await Task.WhenAny(running.Work, Task.Delay(most)) != running.Work) return null;
        Forget(attempt);
        return await running.Work;
    }

    public void Forget(Guid attempt)
    {
        if (!_attempts.TryRemove(attempt, out var running)) return;
        running.Cancel.Cancel();
        running.Work.ContinueWith(_ => running.Cancel.Dispose(), TaskScheduler.Default);
    }

    private SegmentResult Code(SegmentJob job, CancellationToken cancel)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var bundle = Find(job.Bundle)!;
            using var input = new MemoryStream(job.Data, writable: false);
            using var output = new MemoryStream();
            if (job.Work == SegmentWork.Compress)
            {
                var options = new LmzCompressionOptions { Level = job.Level, ChunkSize = job.ChunkSize, Threads = 1, Model = bundle };
                LmzCompressor.Compress(input, output, options, cancel);
            }
            else
            {
                var options = new LmzDecompressionOptions { Threads = 1, Model = bundle, ModelDirectories = _directories };
                LmzCompressor.Decompress(input, output, options, cancel);
            }
            Interlocked.Increment(ref _done);
            return new SegmentResult(output.ToArray(), null, Retry: false) { CodingMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds };
        }
        catch (InvalidDataException exception)
        {
            return new SegmentResult(null, exception.Message, Retry: false);
        }
        catch (Exception exception)
        {
            return new SegmentResult(null, $"{exception.GetType().Name}: {exception.Message}", Retry: true);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private void Sweep()
    {
        long now = Environment.TickCount64;
        foreach (var (id, attempt) in _attempts)
        {
            if (now - attempt.LastAsked > Lease.TotalMilliseconds) Forget(id);
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (var id in _attempts.Keys) Forget(id);
        foreach (var bundle in _bundles.Values) bundle.Dispose();
    }
}
