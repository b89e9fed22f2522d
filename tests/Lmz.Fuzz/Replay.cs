using System.Diagnostics;

namespace Lmz.Fuzz;

/// <summary>
/// The quick fuzz that needs no afl: every seed and regression input through both targets, then
/// random mutations of the seeds (<see cref="Mutator"/>), each with the per-input time limit. Exits 1
/// naming the input (and saving it) on the first failure: an exception other than
/// <see cref="InvalidDataException"/>, or a run past the limit.
/// </summary>
internal static class Replay
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static int Run(string[] args)
    {
        int count = 20_000, seed = Environment.TickCount & 0x7FFFFFFF;
        var targets = Targets.Names;
        var dirs = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count": count = int.Parse(args[++i]); break;
                case "--seed": seed = int.Parse(args[++i]); break;
                case "--target": targets = [args[++i]]; break;
                default: dirs.Add(args[i]); break;
            }
        }
        string root = RepoRoot();
        if (dirs.Count == 0) dirs = [Path.Combine(root, "tests", "fuzz", "seeds"), Path.Combine(root, "tests", "fuzz", "regressions")];
        var files = dirs.Where(Directory.Exists).SelectMany(Directory.GetFiles).Order(StringComparer.Ordinal).ToList();
        Console.WriteLine($"replay: {files.Count} inputs from {string.Join(", ", dirs)}; {count} mutations, RNG seed {seed} (--seed {seed} repeats them)");
        var clock = Stopwatch.StartNew();
        var pool = new List<byte[]>();
        foreach (var file in files)
        {
            var data = File.ReadAllBytes(file);
            // Mutate seeds only: a regression input can claim a long chunk, and a CRC-fixed mutant of it
            // may be a valid-looking stream that costs what its claimed length costs to decode.
            if (!file.Contains(Path.DirectorySeparatorChar + "regressions" + Path.DirectorySeparatorChar, StringComparison.Ordinal)) pool.Add(data);
            foreach (var target in targets)
                if (Check(target, data, Path.GetFileName(file), root) is { } failed) return failed;
        }
        if (pool.Count == 0) pool.Add([]);
        var mutator = new Mutator(pool, new Random(seed));
        var outcomes = new Dictionary<Outcome, int>();
        for (int n = 0; n < count; n++)
        {
            var mutant = mutator.Next();
            foreach (var target in targets)
            {
                if (Check(target, mutant.Data, $"mutation {n} ({mutant.Description})", root, outcomes) is { } failed) return failed;
            }
            if ((n + 1) % 5000 == 0) Console.WriteLine($"  {n + 1} mutations, {clock.Elapsed.TotalSeconds:F0} s");
        }
        Console.WriteLine($"replay passed: {files.Count} inputs and {count} mutations through {string.Join(" and ", targets)} in {clock.Elapsed.TotalSeconds:F1} s " +
            $"({outcomes.GetValueOrDefault(Outcome.Decoded)} decoded, {outcomes.GetValueOrDefault(Outcome.Rejected)} rejected)");
        return 0;
    }

    /// <summary>Null when the target decoded or rejected the input in time, else the exit code after reporting it.</summary>
    private static int? Check(string target, byte[] data, string name, string root, Dictionary<Outcome, int>? outcomes = null)
    {
        string? problem;
        try
        {
            var outcome = Targets.RunWithLimit(Targets.For(target), data, Limit);
            if (outcome is { } o && outcomes != null) outcomes[o] = outcomes.GetValueOrDefault(o) + 1;
            problem = outcome == null ? $"no result within {Limit.TotalSeconds:F0} s" : null;
        }
        catch (Exception e)
        {
            problem = e.ToString();
        }
        if (problem == null) return null;
        string dir = Path.Combine(root, "artifacts", "fuzz", "replay-failures");
        Directory.CreateDirectory(dir);
        string saved = Path.Combine(dir, $"{target}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.bin");
        File.WriteAllBytes(saved, data);
        Console.Error.WriteLine($"FAIL: target {target}, {name}: {problem}\n  input saved to {saved}");
        return 1;
    }

    private static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Compressor.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
