namespace Lmz.Bench;

/// <summary>The help text of every sub-command.</summary>
public static class Usage
{
    public const string Text = """
        Usage: dotnet run -c Release --project bench/Lmz.Bench -- [COMMAND] [ARGS]

        Corpus benchmark (the default command):
          [FILES or DIRS]          inputs (default: corpora/); a directory with a MANIFEST.tsv uses its file list
          --name NAME              results go to bench/results/NAME.{md,csv} and NAME-{bpb,pareto}.png
                                   (default: "corpus" for the default input, else run-YYYYMMDD-HHMMSS)
          --levels 6,1             lmz levels to run, in this order ("none": no lmz)
          --peers gzip,bzip2,...   peer compressors (default: gzip,bzip2,xz,zstd,brotli,zpaq,paq8px; "none")
          --repeat N               timed runs of the fast peers, best of N (default 3)
          --repeat-slow N          timed runs of lmz, zpaq and paq8px (default 1)
          --threads N              lmz -T N (default: lmz's own default, all cores)
          --check-threads          compress once more with lmz -T 1; fail unless the container is identical
          --lmz PATH               the lmz CLI to run (apphost or .dll; default src/Lmz.Cli/bin/Release/net10.0/)
          --baseline PATH          another lmz build run at the same levels as "base lmz -N" (an A/B in one run)
          --out DIR                results directory (default bench/results)
          --readme                 afterwards, refresh the README.md section between the bench markers

        Other commands:
          readme NAME              refresh README.md's <!-- bench:begin --> .. <!-- bench:end --> section from
                                   bench/results/NAME.md
          charts NAME              redraw NAME-bpb.png and NAME-pareto.png from bench/results/NAME.csv
          micro [FILTER] [--dry] [BDN options]
                                   BenchmarkDotNet microbenchmarks (short jobs); results in bench/results/micro/
          roundtrip LEVEL [--compress-only] FILES...
                                   in-process compress/decompress with the library
          ablate [--costs] SPECS FILES...
                                   bits per byte of predictor subsets (nK = n-gram order K, m = match, o = order 0);
                                   --costs: where the bits go, by token kind and match-model state
          passes                   timing of the vocabulary passes (exp, mix, CDF)
          profile LEVEL FILE [T]   microseconds per token in the network step, prediction and coding of one stream
          tokens FILE OUT.u16       the file's token ids as little-endian uint16 (offline experiments)
          adaptive FILE [RATE]     bits per byte of level 9's learning network alone (no ensemble)
          hybrid [--ablate] LEVEL FILES...
                                   ideal bits per byte of the hybrid's revisions (and without each byte-context
                                   group); H_DUMP=DIR writes each byte's cost (float32) per variant
          costs FILE A.f32 B.f32   where two coders' per-byte costs differ, by kind of byte and by eighth of FILE
          mutate [--count N] [--seed S] [--out FILE]
                                   silent-corruption bench: N mutations (default 100000) of small containers of
                                   every method and level, decoded; outcomes by check in bench/results/mutation.md
          netstep                  integer network us/step per engine and kernel path (1 thread)
        """;

    public static int Print()
    {
        Console.WriteLine(Text);
        return 0;
    }
}
