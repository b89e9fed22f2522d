namespace Lmz.Bench.Corpus;

/// <summary>
/// One file × compressor: sizes, best-of-N wall times, the largest peak RSS over the runs, and
/// whether every round trip restored the input byte for byte. <see cref="Error"/> is set when a
/// command failed or a round trip did not match; such a measurement fails the whole benchmark.
/// </summary>
public sealed record Measurement
{
    public required string File { get; init; }
    public required long OriginalBytes { get; init; }
    public required string Compressor { get; init; }
    public long CompressedBytes { get; init; }
    public double CompressSeconds { get; init; }
    public double DecompressSeconds { get; init; }
    public long CompressPeakRssKib { get; init; } = -1;
    public long DecompressPeakRssKib { get; init; } = -1;
    public int Runs { get; init; }
    public string? Error { get; init; }

    /// <summary>Whether lmz -T 1 wrote the same container (null: not checked).</summary>
    public bool? SameContainerAtOneThread { get; init; }

    public bool Ok => Error == null;

    public double BitsPerByte => CompressedBytes * 8.0 / OriginalBytes;

    public double CompressKibPerSecond => Speed(OriginalBytes, CompressSeconds);

    public double DecompressKibPerSecond => Speed(OriginalBytes, DecompressSeconds);

    public static double Speed(long bytes, double seconds) => seconds > 0 ? bytes / 1024.0 / seconds : double.NaN;
}

/// <summary>Sums of one compressor over every file it ran on successfully.</summary>
public sealed record Totals(string Compressor, int Files, int Failed, long OriginalBytes, long CompressedBytes,
    double GeometricMeanBpb, double CompressSeconds, double DecompressSeconds, long PeakRssKib)
{
    public double BitsPerByte => OriginalBytes > 0 ? CompressedBytes * 8.0 / OriginalBytes : double.NaN;

    public double CompressKibPerSecond => Measurement.Speed(OriginalBytes, CompressSeconds);

    public double DecompressKibPerSecond => Measurement.Speed(OriginalBytes, DecompressSeconds);

    public static List<Totals> Compute(IReadOnlyList<Measurement> results, IEnumerable<string> compressorOrder) =>
        compressorOrder.Select(name =>
        {
            var all = results.Where(r => r.Compressor == name).ToList();
            var ok = all.Where(r => r.Ok).ToList();
            double geo = ok.Count == 0 ? double.NaN : Math.Exp(ok.Average(r => Math.Log(r.BitsPerByte)));
            return new Totals(name, ok.Count, all.Count - ok.Count, ok.Sum(r => r.OriginalBytes), ok.Sum(r => r.CompressedBytes), geo,
                ok.Sum(r => r.CompressSeconds), ok.Sum(r => r.DecompressSeconds),
                ok.Select(r => Math.Max(r.CompressPeakRssKib, r.DecompressPeakRssKib)).DefaultIfEmpty(-1).Max());
        }).Where(t => t.Files + t.Failed > 0).ToList();
}
