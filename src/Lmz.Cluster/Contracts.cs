namespace Lmz.Cluster;

/// <summary>What a worker is asked to do with a segment.</summary>
public enum SegmentWork
{
    /// <summary>Input bytes in, one container (member) out.</summary>
    Compress,
    /// <summary>One member in, its bytes out.</summary>
    Decompress,
}

/// <summary>A worker's answer to <see cref="IWorkerGrain.Start"/>.</summary>
public enum Admission
{
    Accepted,
    /// <summary>Every thread of the worker is coding a segment already.</summary>
    Busy,
    /// <summary>The worker lacks the model bundle the segment names.</summary>
    NoBundle,
}

/// <summary>
/// One try at one segment. <see cref="Attempt"/> is new for every try, so a late answer from a worker
/// given up on is never mistaken for the current one; the bytes coded are the same whoever codes them.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SegmentJob(
    [property: Id(0)] Guid Attempt,
    [property: Id(1)] long Index,
    [property: Id(2)] SegmentWork Work,
    [property: Id(3)] string Bundle,
    [property: Id(4)] int Level,
    [property: Id(5)] int? ChunkSize,
    [property: Id(6)] byte[] Data);

/// <summary>
/// A finished segment: the coded bytes, or why not. <see cref="Retry"/> false means the data itself was
/// refused (a damaged member), which no other worker would change; true means this worker failed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SegmentResult([property: Id(0)] byte[]? Data, [property: Id(1)] string? Error, [property: Id(2)] bool Retry)
{
    /// <summary>How long the worker spent coding, so the client can tell its own costs (sending, waiting, receiving) apart.</summary>
    [Id(3)] public double CodingMilliseconds { get; init; }
}

/// <summary>What `lmz-cluster status` shows of a worker, and what the client plans with.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerInfo(
    [property: Id(0)] string Address,
    [property: Id(1)] string Machine,
    [property: Id(2)] int Threads,
    [property: Id(3)] string[] Bundles,
    [property: Id(4)] long SegmentsDone,
    [property: Id(5)] int Running,
    [property: Id(6)] string Version);

/// <summary>
/// The one grain of each worker, keyed by its silo's address and placed on that silo
/// (<see cref="OnNamedSiloAttribute"/>), so the client chooses which machine codes a segment and
/// can send it elsewhere when that machine fails.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    Task<WorkerInfo> Describe();

    /// <summary>Starts coding in the background; the caller collects the result with <see cref="Wait"/>.</summary>
    Task<Admission> Start(SegmentJob job);

    /// <summary>The result of <paramref name="attempt"/> once done, or null after <paramref name="most"/> without one.</summary>
    Task<SegmentResult?> Wait(Guid attempt, TimeSpan most);

    /// <summary>Drops an attempt the client no longer wants (cancels it if still running).</summary>
    Task Forget(Guid attempt);
}
