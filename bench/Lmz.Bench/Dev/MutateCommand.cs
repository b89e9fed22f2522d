using System.Diagnostics;
using Lmz.Bench.Corpus;
using Lmz.Fuzz;

namespace Lmz.Bench.Dev;

/// <summary>
/// mutate [--count N] [--seed S] [--out FILE]: the silent-corruption bench. Corrupts small
/// containers of every method and level (<see cref="MutationSources"/>) N times, decodes each
/// mutant and counts what came out: the right bytes, an InvalidDataException (by the check that
/// caught it), wrong bytes without an error, another exception, or no result within 10 s.
/// The last three must stay 0.
/// </summary>
public static class MutateCommand
{
    internal static readonly string[] Kinds = ["byte changes", "spans", "splices", "byte changes, CRCs fixed", "spans, CRCs fixed"];
    private static readonly int[] SpanKinds = [3, 4, 5, 6, 8];
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static int Run(string[] args)
    {
        int count = 100_000, seed = 1;
        string output = Path.Combine(RepoPaths.Results, "mutation.md");
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count": count = int.Parse(args[++i]); break;
                case "--seed": seed = int.Parse(args[++i]); break;
                case "--out": output = args[++i]; break;
                default: return AblateCommand.Fail("usage: mutate [--count N] [--seed S] [--out FILE]");
            }
        }
        var machine = MachineInfo.Collect(null);
        Console.WriteLine("containers:");
        var known = MutationSources.Build(Console.Out);
        var chunks = MutationSources.Chunks(known);
        var random = new Random(seed);
        var mutator = new Mutator(known.Select(k => k.Container).ToList(), random);
        var tally = new MutationTally();
        var options = new LmzDecompressionOptions { Threads = 1 };
        var clock = Stopwatch.StartNew();
        for (int n = 0; n < count; n++)
        {
            int kind = n % Kinds.Length;
            var original = known[random.Next(known.Count)];
            var data = new List<byte>(original.Container);
            int steps = kind is 0 or 3 ? 1 + random.Next(3) : 1;
            for (int s = 0; s < steps; s++)
                mutator.Apply(data, kind switch { 0 or 3 => random.Next(3), 2 => 7, _ => SpanKinds[random.Next(SpanKinds.Length)] });
            var mutant = data.ToArray();
            if (kind >= 3) mutant = ChecksumFixer.Fix(mutant);
            var expected = MutationSources.ExpectedIfValid(mutant, known) ?? original.Source;
            string outcome = Decode(mutant, expected, options, chunks);
            tally.Add(Kinds[kind], outcome);
            if (outcome is MutationTally.Wrong or MutationTally.Hang || outcome.StartsWith(MutationTally.Other, StringComparison.Ordinal))
                Console.WriteLine($"!! mutation {n} of {original.Name} ({Kinds[kind]}): {outcome}; saved as {Save(mutant, n)}");
            if ((n + 1) % 10_000 == 0) Console.WriteLine($"  {n + 1} mutations, {clock.Elapsed.TotalSeconds:F0} s");
        }
        double seconds = clock.Elapsed.TotalSeconds;
        string command = $"dotnet run -c Release --project bench/Lmz.Bench -- mutate --count {count} --seed {seed}";
        var report = tally.Report(known, count, seed, seconds, command, machine);
        File.WriteAllText(output, report);
        Console.WriteLine(report);
        Console.WriteLine($"written to {RepoPaths.Display(output)}");
        return tally.Failures == 0 ? 0 : 1;
    }

    private static string Save(byte[] mutant, int n)
    {
        string dir = Path.Combine(RepoPaths.Root, "artifacts", "fuzz", "mutation-failures");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"mutation-{n}.bin");
        File.WriteAllBytes(path, mutant);
        return RepoPaths.Display(path);
    }

    /// <summary>The outcome of decoding one mutant, with a 10 s limit.</summary>
    private static string Decode(byte[] mutant, byte[] expected, LmzDecompressionOptions options, List<byte[]> chunks)
    {
        string outcome = MutationTally.Hang;
        var thread = new Thread(() =>
        {
            try
            {
                var decoded = LmzCompressor.Decompress(mutant, options);
                outcome = decoded.AsSpan().SequenceEqual(expected) ? MutationTally.Correct
                    : MutationSources.IsIntactChunks(decoded, chunks) ? MutationTally.Spliced : MutationTally.Wrong;
            }
            catch (InvalidDataException e)
            {
                outcome = MutationTally.Check(e.Message);
            }
            catch (Exception e)
            {
                outcome = $"{MutationTally.Other}: {e.GetType().Name}: {e.Message}";
            }
        }, 16 << 20) { IsBackground = true };
        thread.Start();
        thread.Join(Limit);
        return outcome;
    }
}
