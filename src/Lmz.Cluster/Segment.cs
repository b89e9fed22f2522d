namespace Lmz.Cluster;

/// <summary>
/// One segment of a job: what to send (its bytes and how to code them), where it is, and its result
/// until written. <see cref="Local"/> marks a member too large for a message, which the client decodes itself.
/// </summary>
public sealed class Segment(long index, SegmentWork work, string bundle, long offset, byte[]? data)
{
    public long Index { get; } = index;
    public SegmentWork Work { get; } = work;
    public string Bundle { get; } = bundle;
    /// <summary>Where the segment starts in the input.</summary>
    public long Offset { get; } = offset;
    public byte[]? Data { get; private set; } = data;
    public int Level { get; init; }
    public int? ChunkSize { get; init; }
    public long PlainLength { get; init; }
    public long PackedLength { get; init; }
    public bool Local { get; init; }

    public byte[]? Result { get; private set; }
    public Worker? Worker { get; private set; }
    public Guid Attempt { get; private set; }
    public Task<SegmentResult?>? Pending { get; private set; }
    public int Tries { get; private set; }
    /// <summary>Workers that failed this segment, not to be asked again for it.</summary>
    public HashSet<string> Refused { get; } = [];

    public SegmentJob Job(Guid attempt) => new(attempt, Index, Work, Bundle, Level, ChunkSize, Data!);

    /// <summary>When the current attempt was sent (Stopwatch ticks), for the cost per segment that -v reports.</summary>
    public long Sent { get; private set; }

    public void Start(Worker worker, Guid attempt, Task<SegmentResult?> pending, long sent)
    {
        Sent = sent;
        (Worker, Attempt, Pending) = (worker, attempt, pending);
        Tries++;
        worker.Holding.Add(this);
    }

    public void Continue(Task<SegmentResult?> pending) => Pending = pending;

    public void Finish(byte[] result)
    {
        Worker?.Holding.Remove(this);
        (Result, Data, Worker, Pending) = (result, null, null, null);
    }

    public void Abandon(Worker worker)
    {
        worker.Holding.Remove(this);
        Refused.Add(worker.Info.Address);
        (Worker, Pending) = (null, null);
    }

    public string Describe() => Work == SegmentWork.Compress
        ? $"segment {Index + 1} (input bytes {Offset}..{Offset + PlainLength})"
        : $"member {Index + 1} (input bytes {Offset}..{Offset + PackedLength})";
}

/// <summary>A worker as this job sees it: its description, what it holds for us, and whether it failed us.</summary>
public sealed class Worker(IWorkerGrain grain, WorkerInfo info)
{
    private readonly HashSet<string> _bundles = [.. info.Bundles];

    public IWorkerGrain Grain { get; } = grain;
    public WorkerInfo Info { get; } = info;
    public int Running { get; set; }
    public bool Gone { get; set; }
    public HashSet<Segment> Holding { get; } = [];

    /// <summary>Whether the worker has the bundle, named in full or by the prefix a container records.</summary>
    public bool Has(string bundle) => _bundles.Any(b => b.StartsWith(bundle, StringComparison.Ordinal));

    public void Drop(string bundle) => _bundles.RemoveWhere(b => b.StartsWith(bundle, StringComparison.Ordinal));
}
