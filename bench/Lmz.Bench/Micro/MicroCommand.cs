using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Lmz.Coding;

namespace Lmz.Bench.Micro;

/// <summary>
/// micro [FILTER] [BenchmarkDotNet options]: the BenchmarkDotNet suite with one short in-process job
/// (1 launch, 3 warm-up and 3 measured iterations), so the whole suite takes minutes and needs no
/// separate build (--dry: one invocation each, to check the suite runs). FILTER matches benchmark names as *FILTER* (e.g. "FrequencyTable", "CoderBenchmarks.Decode");
/// results land in bench/results/micro/.
/// </summary>
public static class MicroCommand
{
    public static string ArtifactsPath => Path.Combine(RepoPaths.Results, "micro");

    public static int Run(string[] args)
    {
        // --dry: every benchmark once, no warm-up (checks that the suite runs; the numbers mean nothing).
        bool dry = args.Contains("--dry");
        args = [.. args.Where(a => a != "--dry")];
        var bdnArgs = new List<string>();
        int rest = 0;
        if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            bdnArgs.AddRange(["--filter", args[0].Contains('*') ? args[0] : $"*{args[0]}*"]);
            rest = 1;
        }
        else if (!args.Contains("--filter") && !args.Contains("-f") && !args.Contains("--list"))
        {
            bdnArgs.AddRange(["--filter", "*"]); // without a filter BenchmarkSwitcher would ask on the console
        }
        bdnArgs.AddRange(args.Skip(rest));

        var types = new List<Type>
        {
            typeof(CoderBenchmarks), typeof(FrequencyTableBenchmarks), typeof(NGramBenchmarks),
            typeof(MixerBenchmarks), typeof(CodingModelBenchmarks),
        };
        var bundle = LmzModelBundle.Default;
        if (bundle.HasTransformer) types.Add(typeof(NetworkStepBenchmarks));
        else Console.Error.WriteLine($"micro: skipping NetworkStepBenchmarks: the model bundle in {RepoPaths.Display(bundle.Directory)} has no integer network ({LmzModelBundle.NetworkFile})");

        var job = (dry ? Job.Dry : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance).WithId(dry ? "DryInProcess" : "ShortInProcess");
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .WithArtifactsPath(ArtifactsPath)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summaries = BenchmarkSwitcher.FromTypes([.. types]).Run([.. bdnArgs], config).ToList();
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        int artifacts = Array.IndexOf(args, "--artifacts");
        string where = artifacts >= 0 && artifacts + 1 < args.Length ? args[artifacts + 1] : ArtifactsPath;
        Console.Error.WriteLine($"micro: results in {RepoPaths.Display(Path.Combine(where, "results"))}");
        return failed ? 1 : 0;
    }
}
