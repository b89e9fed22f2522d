using Lmz.Bench;
using Lmz.Bench.Corpus;
using Lmz.Bench.Dev;
using Lmz.Bench.Micro;

// Sub-commands; anything else (files, directories, options) is the corpus benchmark.
string command = args.Length > 0 ? args[0] : "";
string[] rest = args.Length > 0 ? args[1..] : [];
return command switch
{
    "ablate" => AblateCommand.Run(rest),
    "roundtrip" => RoundtripCommand.Run(rest),
    "passes" => PassesCommand.Run(),
    "netstep" => NetstepCommand.Run(args[1..]),
    "kernelcheck" => KernelCheckCommand.Run(args[1..]),
    "profile" => ProfileCommand.Run(rest),
    "bytes" => BytesCommand.Run(rest),
    "tokens" => TokensCommand.Run(rest),
    "hybrid" => HybridCommand.Run(rest),
    "costs" => CostCompareCommand.Run(rest),
    "adaptive" => AdaptiveCommand.Run(rest),
    "micro" => MicroCommand.Run(rest),
    "mutate" => MutateCommand.Run(rest),
    "readme" => ReadmeSection.Run(rest),
    "charts" => Charts.Run(rest),
    "help" or "-h" or "--help" => Usage.Print(),
    _ => CorpusCommand.Run(args),
};
