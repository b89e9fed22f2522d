using System.Globalization;

namespace Lmz.Bench.Corpus;

/// <summary>
/// The corpus benchmark: every input file through every lmz level and peer compressor, each round
/// trip checked byte for byte; writes NAME.md, NAME.csv, NAME-bpb.png and NAME-pareto.png.
/// Exit code 0 when every run succeeded, 1 when a command failed or a round trip did not match,
/// 2 for a usage error.
/// </summary>
public static class CorpusCommand
{
    public static int Run(string[] args)
    {
        CorpusOptions options;
        List<CorpusFile> files;
        try
        {
            options = CorpusOptions.Parse(args);
            bool defaultInput = options.Inputs.Count == 0;
            if (defaultInput) options = options with { Inputs = [RepoPaths.Corpora] };
            options = options with { Name = options.Name ?? (defaultInput ? "corpus" : $"run-{DateTime.Now:yyyyMMdd-HHmmss}") };
            files = CorpusInputs.Expand(options.Inputs);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"lmz-bench: {e.Message}");
            return 2;
        }
        var empty = files.Where(f => f.Length == 0).ToList();
        files = files.Where(f => f.Length > 0).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine("lmz-bench: no non-empty input files");
            return 2;
        }

        string outDir = Path.GetFullPath(options.OutputDirectory ?? RepoPaths.Results);
        Directory.CreateDirectory(outDir);
        string lmzProblem = "";
        LmzLauncher? lmz = null;
        if (options.Levels.Count > 0) lmz = LmzLauncher.Find(options.LmzPath, out lmzProblem);
        string? stale = lmz?.StalenessWarning();
        if (stale != null) Console.Error.WriteLine($"lmz-bench: warning: {stale}");
        var (codecs, missing) = CodecCatalog.Build(options, lmz, lmzProblem);
        foreach (var m in missing) Console.Error.WriteLine($"lmz-bench: {m.Name}: MISSING: {m.Reason}");
        if (codecs.Count == 0)
        {
            Console.Error.WriteLine("lmz-bench: no compressor to run");
            return 2;
        }
        var machine = MachineInfo.Collect(lmz);
        var notes = new List<string>();
        if (lmz != null && options.Levels.Any(l => LevelProfile.For(l).UsesNetwork) && MachineInfo.HasTransformer(lmz) == false)
            notes.Add("Note: the lmz model bundle has no transformer: levels 4-9 ran with the online predictors only (like levels 1-3).");
        if (stale != null) notes.Add($"**Warning**: {stale}.");
        foreach (var e in empty) notes.Add($"Note: skipped the empty file {RepoPaths.Display(e.Path)} (bits per byte is undefined).");

        Console.Error.WriteLine($"lmz-bench: {files.Count} files, {files.Sum(f => f.Length):N0} bytes; compressors: {string.Join(", ", codecs.Select(c => c.Name))}; results: {RepoPaths.Display(Path.Combine(outDir, options.Name!))}.*");
        string scratchRoot = Path.Combine(Path.GetTempPath(), $"lmz-bench-{Environment.ProcessId}");
        var started = DateTimeOffset.UtcNow;
        var results = new List<Measurement>();
        try
        {
            using var progress = new ProgressDisplay(files.Count * codecs.Count);
            for (int i = 0; i < files.Count; i++)
            {
                foreach (var codec in codecs)
                {
                    progress.Begin(i, files.Count, files[i], codec);
                    string scratch = Path.Combine(scratchRoot, $"{i}-{codec.Tool}");
                    Directory.CreateDirectory(scratch);
                    var m = Measure(files[i], codec, codec.Slow ? options.RepeatSlow : options.Repeat, scratch, progress,
                        options.CheckThreads);
                    Directory.Delete(scratch, true);
                    results.Add(m);
                    progress.End(m);
                    if (!m.Ok)
                    {
                        bool roundTrip = m.Error!.StartsWith(RoundTripPrefix, StringComparison.Ordinal);
                        progress.Message($"lmz-bench: *** {(roundTrip ? "ROUND TRIP FAILED" : "RUN FAILED")}: {codec.Name} on {files[i].Label}: {(roundTrip ? m.Error[RoundTripPrefix.Length..] : m.Error)}");
                    }
                }
            }
        }
        finally
        {
            if (Directory.Exists(scratchRoot)) Directory.Delete(scratchRoot, true);
        }
        var finished = DateTimeOffset.UtcNow;
        var checkedRuns = results.Where(r => r.SameContainerAtOneThread == true).ToList();
        if (options.CheckThreads)
            notes.Add($"Thread check (`--check-threads`): every lmz container was also made with `-T 1`; " +
                $"{checkedRuns.Count} of {results.Count(r => r.Compressor.StartsWith("lmz", StringComparison.Ordinal))} lmz runs byte-identical to the timed run's container.");

        var report = new BenchReport(options.Name!, options, files, codecs, missing, results, machine, notes, started, finished,
            "dotnet run -c Release --project bench/Lmz.Bench --" + string.Concat(args.Select(a => " " + Quote(a))));
        var written = ReportWriter.Write(report, outDir);
        written.AddRange(Charts.Write(report, outDir));
        foreach (var path in written) Console.Error.WriteLine($"lmz-bench: wrote {RepoPaths.Display(path)}");
        Console.Out.Write(ReportWriter.TotalsTable(report));

        if (options.UpdateReadme) ReadmeSection.Update(Path.Combine(outDir, options.Name + ".md"));
        var failures = results.Where(r => !r.Ok).ToList();
        if (failures.Count > 0)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"lmz-bench: FAILED: {failures.Count} of {results.Count} runs failed:");
            foreach (var f in failures) Console.Error.WriteLine($"  {f.Compressor} on {f.File}: {f.Error}");
            return 1;
        }
        return 0;
    }

    private const string RoundTripPrefix = "round trip: ";

    private static string Quote(string a) => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_.,/=:+".Contains(c)) ? a : $"'{a.Replace("'", "'\\''")}'";

    /// <summary>Best-of-N compression and decompression, with every round trip compared to the input.</summary>
    private static Measurement Measure(CorpusFile file, Codec codec, int runs, string scratch, ProgressDisplay progress, bool checkThreads)
    {
        bool? sameAtOneThread = null;
        var m = new Measurement { File = file.Label, OriginalBytes = file.Length, Compressor = codec.Name };
        double bestC = double.MaxValue, bestD = double.MaxValue;
        long rssC = -1, rssD = -1, size = -1;
        var paths = new RunPaths(file.Path, scratch);
        for (int run = 1; run <= runs; run++)
        {
            progress.Phase($"compress {run}/{runs}");
            var (compress, packed) = codec.Compress(paths);
            var c = ChildProcess.Run(compress, scratch);
            if (c.ExitCode != 0) return m with { Runs = run, Error = CommandFailed("compression", c) };
            if (!File.Exists(packed)) return m with { Runs = run, Error = $"compression wrote no {Path.GetFileName(packed)}" };
            if (run == 1 && checkThreads && codec.CompressOneThread != null)
            {
                progress.Phase("compress -T 1");
                string single = packed + ".t1";
                var t1 = ChildProcess.Run(codec.CompressOneThread(paths, single), scratch);
                if (t1.ExitCode != 0) return m with { Runs = run, Error = CommandFailed("compression with -T 1", t1) };
                sameAtOneThread = File.ReadAllBytes(single).AsSpan().SequenceEqual(File.ReadAllBytes(packed));
                File.Delete(single);
                if (sameAtOneThread == false) return m with { Runs = run, SameContainerAtOneThread = false, Error = "the container made with -T 1 differs from the timed run's" };
            }
            long thisSize = new FileInfo(packed).Length;
            if (size >= 0 && thisSize != size) progress.Message($"lmz-bench: warning: {codec.Name} on {file.Label}: compressed size changed between runs ({size} -> {thisSize})");
            size = size < 0 ? thisSize : size;

            progress.Phase($"decompress {run}/{runs}");
            var (decompress, restored) = codec.Decompress(paths, packed);
            var d = ChildProcess.Run(decompress, scratch);
            if (d.ExitCode != 0) return m with { Runs = run, CompressedBytes = size, Error = CommandFailed("decompression", d) };
            if (CompareFiles(file.Path, restored) is { } mismatch) return m with { Runs = run, CompressedBytes = size, Error = RoundTripPrefix + mismatch };

            bestC = Math.Min(bestC, c.Seconds);
            bestD = Math.Min(bestD, d.Seconds);
            rssC = Math.Max(rssC, c.PeakRssKib);
            rssD = Math.Max(rssD, d.PeakRssKib);
            File.Delete(packed);
            if (File.Exists(restored)) File.Delete(restored);
        }
        return m with
        {
            CompressedBytes = size, CompressSeconds = bestC, DecompressSeconds = bestD,
            CompressPeakRssKib = rssC, DecompressPeakRssKib = rssD, Runs = runs, SameContainerAtOneThread = sameAtOneThread,
        };
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
