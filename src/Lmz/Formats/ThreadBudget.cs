namespace Lmz.Formats;

/// <summary>
/// How many chunks may be coded at once in the memory this process may use. Each chunk coded at
/// the same time holds a model of its own, so peak memory grows with the thread count up to the
/// group size; a thread count that would not fit is lowered, which never changes the output.
/// The figures are peak resident sizes measured by bench/thread-memory.sh (docs/THREADS.md).
/// </summary>
internal static class ThreadBudget
{
    private const long MiB = 1 << 20;

    /// <summary>The process before any chunk, by level (index level − 1): the runtime and the bundle, then the network (4–8), then level 9's learning copy.</summary>
    private static readonly long[] BaseBytes = [100 * MiB, 100 * MiB, 100 * MiB, 200 * MiB, 200 * MiB, 200 * MiB, 200 * MiB, 200 * MiB, 400 * MiB];

    /// <summary>
    /// One chunk's model, by level: the byte mixer's tables at 1–3, the network's stream state and
    /// the hybrid's tables at 4–9. A group's models are allocated while the last group's may not yet
    /// be collected, which the figures allow for.
    /// </summary>
    private static readonly long[] ModelBytes = [128 * MiB, 160 * MiB, 192 * MiB, 320 * MiB, 320 * MiB, 320 * MiB, 320 * MiB, 320 * MiB, 352 * MiB];

    /// <summary>Per byte of the longest chunk: its input, output and token copies.</summary>
    private const int BytesPerChunkByte = 8;

    /// <summary>What the runtime lets this process use: physical memory, or a container's or GC heap limit.</summary>
    internal static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Peak bytes for <paramref name="threads"/> threads at <paramref name="level"/> with chunks of up to <paramref name="longestChunk"/> bytes.</summary>
    internal static long PeakBytes(int level, int threads, long longestChunk) =>
        BaseBytes[Index(level)] + Math.Min(threads, Format.GroupSize) * PerChunkBytes(level, longestChunk);

    /// <summary><paramref name="requested"/>, or the most threads (at least one) that fit in <paramref name="available"/> bytes.</summary>
    internal static int Fit(int level, int requested, long longestChunk, long available)
    {
        if (PeakBytes(level, requested, longestChunk) <= available) return requested;
        long room = (available - BaseBytes[Index(level)]) / PerChunkBytes(level, longestChunk);
        return (int)Math.Clamp(room, 1, requested);
    }

    private static long PerChunkBytes(int level, long longestChunk) => ModelBytes[Index(level)] + BytesPerChunkByte * longestChunk;

    private static int Index(int level) => LevelProfile.For(level).Level - 1;
}
