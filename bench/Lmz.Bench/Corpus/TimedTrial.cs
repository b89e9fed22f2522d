using System.Diagnostics;
using System.Globalization;

namespace Lmz.Bench.Corpus;

/// <summary>
/// One compressor's timed runs on one file, one run at a time (the corpus command takes turns
/// between compressors): best-of-N compression and decompression, every round trip compared to
/// the input, and with <c>--check-threads</c> the first container compared with one made by lmz -T 1.
/// </summary>
internal sealed class TimedTrial(CorpusFile file, Codec codec, int runs, string scratch, bool checkThreads)
{
    public const string RoundTripPrefix = "round trip: ";

    private readonly RunPaths _paths = new(file.Path, scratch);
    private readonly Stopwatch _spent = new();
    private Measurement _m = new() { File = file.Label, OriginalBytes = file.Length, Compressor = codec.Name };
    private double _bestC = double.MaxValue, _bestD = double.MaxValue;
    private long _rssC = -1, _rssD = -1, _size = -1;
    private bool? _sameAtOneThread;
    private int _done;

    public Codec Codec => codec;

    /// <summary>Every run done, or one failed.</summary>
    public bool Finished => _done == runs || !_m.Ok;

    /// <summary>Wall time of this trial's runs so far, checks included.</summary>
    public TimeSpan Elapsed => _spent.Elapsed;

    /// <summary>The measurement once <see cref="Finished"/>.</summary>
    public Measurement Result => Finished ? _m : throw new InvalidOperationException("the trial has runs left");

    /// <summary>The next timed run: compress, decompress, compare.</summary>
    public void RunOnce(ProgressDisplay progress)
    {
        if (Finished) throw new InvalidOperationException("the trial is finished");
        int run = ++_done;
        _spent.Start();
        Directory.CreateDirectory(scratch);
        try
        {
            string? error = Run(run, progress);
            if (error != null) _m = _m with { Runs = run, CompressedBytes = Math.Max(_size, 0), SameContainerAtOneThread = _sameAtOneThread, Error = error };
            else if (run == runs)
                _m = _m with
                {
                    CompressedBytes = _size, CompressSeconds = _bestC, DecompressSeconds = _bestD,
                    CompressPeakRssKib = _rssC, DecompressPeakRssKib = _rssD, Runs = runs, SameContainerAtOneThread = _sameAtOneThread,
                };
        }
        finally
        {
            if (Finished) Directory.Delete(scratch, true);
            _spent.Stop();
        }
    }

    /// <summary>One run; null when it succeeded, else what went wrong.</summary>
    private string? Run(int run, ProgressDisplay progress)
    {
        progress.Phase($"compress {run}/{runs}");
        var (compress, packed) = codec.Compress(_paths);
        var c = ChildProcess.Run(compress, scratch);
        if (c.ExitCode != 0) return CommandFailed("compression", c);
        if (!File.Exists(packed)) return $"compression wrote no {Path.GetFileName(packed)}";
        if (run == 1 && checkThreads && codec.CompressOneThread != null)
        {
            progress.Phase("compress -T 1");
            string single = packed + ".t1";
            var t1 = ChildProcess.Run(codec.CompressOneThread(_paths, single), scratch);
            if (t1.ExitCode != 0) return CommandFailed("compression with -T 1", t1);
            _sameAtOneThread = File.ReadAllBytes(single).AsSpan().SequenceEqual(File.ReadAllBytes(packed));
            File.Delete(single);
            if (_sameAtOneThread == false) return "the container made with -T 1 differs from the timed run's";
        }
        long size = new FileInfo(packed).Length;
        if (_size >= 0 && size != _size) progress.Message($"lmz-bench: warning: {codec.Name} on {file.Label}: compressed size changed between runs ({_size} -> {size})");
        if (_size < 0) _size = size;

        progress.Phase($"decompress {run}/{runs}");
        var (decompress, restored) = codec.Decompress(_paths, packed);
        var d = ChildProcess.Run(decompress, scratch);
        if (d.ExitCode != 0) return CommandFailed("decompression", d);
        if (CompareFiles(file.Path, restored) is { } mismatch) return RoundTripPrefix + mismatch;

        _bestC = Math.Min(_bestC, c.Seconds);
        _bestD = Math.Min(_bestD, d.Seconds);
        _rssC = Math.Max(_rssC, c.PeakRssKib);
        _rssD = Math.Max(_rssD, d.PeakRssKib);
        File.Delete(packed);
        if (File.Exists(restored)) File.Delete(restored);
        return null;
    }

    private static string CommandFailed(string what, ChildResult r)
    {
        string tail = string.Join(" | ", r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        return $"{what} exited with code {r.ExitCode.ToString(CultureInfo.InvariantCulture)}" + (tail.Length > 0 ? $": {tail}" : "");
    }

    /// <summary>Null when the files are byte-identical, else where they first differ.</summary>
    private static string? CompareFiles(string expectedPath, string actualPath)
    {
        if (!File.Exists(actualPath)) return $"decompression wrote no {Path.GetFileName(actualPath)}";
        using var a = File.OpenRead(expectedPath);
        using var b = File.OpenRead(actualPath);
        var bufA = new byte[1 << 16];
        var bufB = new byte[1 << 16];
        long offset = 0;
        while (true)
        {
            int na = a.ReadAtLeast(bufA, bufA.Length, throwOnEndOfStream: false);
            int nb = b.ReadAtLeast(bufB, bufB.Length, throwOnEndOfStream: false);
            int common = Math.Min(na, nb);
            int diff = bufA.AsSpan(0, common).CommonPrefixLength(bufB.AsSpan(0, common));
            if (diff < common) return $"decompressed output differs from the input at byte {offset + diff:N0}";
            if (na != nb) return $"decompressed output has {b.Length:N0} bytes, the input {a.Length:N0}";
            if (na == 0) return null;
            offset += na;
        }
    }
}
