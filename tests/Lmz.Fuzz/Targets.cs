namespace Lmz.Fuzz;

/// <summary>What a target made of one input: decoded (or listed) it, or rejected it as corrupt.</summary>
internal enum Outcome { Decoded, Rejected }

/// <summary>
/// The two fuzz targets. Both documented APIs promise <see cref="InvalidDataException"/> for any
/// corrupt input, so every other exception escapes and is a finding.
/// </summary>
internal static class Targets
{
    public static readonly string[] Names = ["decode", "info"];

    // One thread: the fuzzer gets one core, and the output never depends on the thread count.
    private static readonly LmzDecompressionOptions Options = new() { Threads = 1 };

    public static Func<Stream, Outcome> For(string name) => name switch
    {
        "decode" => Decode,
        "info" => Info,
        // The decoder behind the CRCs: afl cannot forge a CRC-32, so this variant recomputes them first.
        "decode-fixcrc" => input => Decode(new MemoryStream(ChecksumFixer.Fix(ReadAll(input)))),
        _ => throw new ArgumentException($"unknown target '{name}' (decode, info or decode-fixcrc)"),
    };

    private static byte[] ReadAll(Stream input)
    {
        var copy = new MemoryStream();
        input.CopyTo(copy);
        return copy.ToArray();
    }

    public static Outcome Decode(Stream input)
    {
        try
        {
            LmzCompressor.Decompress(input, Stream.Null, Options);
            return Outcome.Decoded;
        }
        catch (InvalidDataException)
        {
            return Outcome.Rejected;
        }
    }

    public static Outcome Info(Stream input)
    {
        try
        {
            LmzContainerInfo.ReadAll(input);
            return Outcome.Decoded;
        }
        catch (InvalidDataException)
        {
            return Outcome.Rejected;
        }
    }

    /// <summary>Runs <paramref name="target"/> on <paramref name="input"/> on a thread of its own; null when it ran past <paramref name="limit"/>.</summary>
    public static Outcome? RunWithLimit(Func<Stream, Outcome> target, byte[] input, TimeSpan limit)
    {
        Outcome? outcome = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { outcome = target(new MemoryStream(input, writable: false)); }
            catch (Exception e) { failure = e; }
        }, 16 << 20) { IsBackground = true };
        thread.Start();
        if (!thread.Join(limit)) return null;
        if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return outcome;
    }
}
