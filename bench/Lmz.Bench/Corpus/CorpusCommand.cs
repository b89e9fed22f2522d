using Lmz.Formats;
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
                // Round robin: each round times every compressor once, so a slow phase of the
                // shared machine falls on all of them alike instead of on one compressor's runs.
                var trials = codecs.Select((codec, k) => new TimedTrial(files[i], codec, codec.Slow ? options.RepeatSlow : options.Repeat,
                    Path.Combine(scratchRoot, $"{i}-{k}-{codec.Tool}"), options.CheckThreads)).ToList();
                while (trials.Any(t => !t.Finished))
                {
                    foreach (var trial in trials.Where(t => !t.Finished))
                    {
                        progress.Begin(i, files.Count, files[i], trial.Codec);
                        trial.RunOnce(progress);
                        if (!trial.Finished) continue;
                        var m = trial.Result;
                        results.Add(m);
                        progress.End(m, trial.Elapsed);
                        if (!m.Ok)
                        {
                            bool roundTrip = m.Error!.StartsWith(TimedTrial.RoundTripPrefix, StringComparison.Ordinal);
                            progress.Message($"lmz-bench: *** {(roundTrip ? "ROUND TRIP FAILED" : "RUN FAILED")}: {trial.Codec.Name} on {files[i].Label}: {(roundTrip ? m.Error[TimedTrial.RoundTripPrefix.Length..] : m.Error)}");
                        }
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

    private static string Quote(string a) => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_.,/=:+".Contains(c)) ? a : $"'{a.Replace("'", "'\\''")}'";
}
