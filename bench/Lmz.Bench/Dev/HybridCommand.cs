using System.Diagnostics;
using System.Runtime.InteropServices;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Models.Tokens;
using Lmz.Models.Hybrid;
using Lmz.Network;

namespace Lmz.Bench.Dev;

/// <summary>
/// hybrid [--ablate] LEVEL FILE...: ideal code lengths (no coder) of each file's tokens as one
/// stream, coded over the vocabulary trie: by the token ensemble alone and by the hybrid
/// (<see cref="HybridDecisionModel"/>); with --ablate also the hybrid with each byte-context group
/// switched off. The ensemble's decisions along each token's path are cached in /tmp/lmz-hybrid
/// (per file and level), so variants rerun without the network. With H_BREAKDOWN set, each file
/// also prints its byte-bit costs by depth in the token, tokens alone against the hybrid; with
/// H_DUMP=DIR each variant writes each byte's cost in bits (float32, the end decision before a
/// byte counted with it) to DIR/FILE.rREVISION.CONTEXTS.f32, to compare with another coder's.
/// hybrid --ensembles SPEC,SPEC... FILE...: the same two numbers for token ensembles of the
/// `ablate` command's specs (which parts of the ensemble still pay under the hybrid); the
/// network is run once per file and replayed (level 6's window), the decisions cached per spec.
/// </summary>
public static class HybridCommand
{
    private readonly record struct Decision(int Position, byte Depth, byte Kind, byte Bit, uint One, uint Total);

    /// <summary>Groups of byte contexts switched off together for the ablation (of the hybrid's contexts for code: orders 2–6 are not among them).</summary>
    private static readonly (string Name, ByteContexts Contexts)[] Groups =
    [
        ("order 1", ByteContexts.Order1),
        ("word", ByteContexts.Word),
        ("sparse", ByteContexts.Skip1 | ByteContexts.Skip1Pair | ByteContexts.Skip3 | ByteContexts.Sparse16),
        ("column", ByteContexts.Column),
        ("word pair", ByteContexts.WordPair),
        ("nesting", ByteContexts.Nesting),
        ("above", ByteContexts.Above),
        ("indirect", ByteContexts.Indirect1 | ByteContexts.Indirect2),
        ("indent", ByteContexts.Indent),
        ("identifier", ByteContexts.Identifier),
        ("syntax", ByteContexts.Syntax | ByteContexts.ParentSyntax),
    ];

    public static int Run(string[] args)
    {
        if (args is ["--ensembles", var specs, .. var files] && files.Length > 0) return CompareEnsembles(specs.Split(','), files);
        bool ablate = args.Contains("--ablate");
        args = [.. args.Where(a => a != "--ablate")];
        if (args.Length < 2) return AblateCommand.Fail("usage: hybrid [--ablate] LEVEL FILE...");
        int level = int.Parse(args[0]);
        var profile = LevelProfile.For(level);
        var shipped = Format.Current.Hybrid(profile)!;
        var variants = new List<(string Name, HybridOptions Options)>
        {
            ("format 10", Format.Of(10).Hybrid(profile)!),
            ("hybrid", shipped),
        };
        if (ablate) variants.AddRange(Groups.Select(g => ($"-{g.Name}", shipped with { Contexts = shipped.Contexts & ~g.Contexts })));
        var totals = new double[variants.Count + 1];
        long allBytes = 0;
        Console.WriteLine($"{"file",-14} {"tokens",8} " + string.Join(" ", variants.Select(v => $"{v.Name,11}")) + "   (bpb, ideal code lengths)");
        foreach (var file in args[1..])
        {
            var data = File.ReadAllBytes(file);
            FileName = file;
            var decisions = Decisions(level, file, data);
            double tokens = decisions.Sum(d => -Math.Log2((d.Bit == 1 ? d.One : d.Total - d.One) / (double)d.Total));
            var row = new List<double> { tokens };
            double endBits = 0;
            var seconds = new List<double>();
            foreach (var (_, options) in variants)
            {
                var clock = Stopwatch.StartNew();
                row.Add(Simulate(data, decisions, options, ref endBits));
                seconds.Add(clock.Elapsed.TotalSeconds);
            }
            Console.Error.WriteLine($"{Path.GetFileName(file)}: seconds per variant {string.Join(" ", seconds.Select(t => t.ToString("F2")))}");
            double endTokens = decisions.Where(d => d.Kind == TrieDecision.End).Sum(d => -Math.Log2((d.Bit == 1 ? d.One : d.Total - d.One) / (double)d.Total));
            for (int i = 0; i < row.Count; i++) totals[i] += row[i];
            allBytes += data.Length;
            Console.WriteLine($"{Path.GetFileName(file),-14} " + string.Join(" ", row.Select((b, i) => (b / data.Length).ToString("F4").PadLeft(i == 0 ? 8 : 11)))
                + $"   end decisions {endTokens / 8:F0} -> {endBits / 8:F0} B");
        }
        Console.WriteLine($"{"total",-14} " + string.Join(" ", totals.Select((b, i) => (b / allBytes).ToString("F4").PadLeft(i == 0 ? 8 : 11))));
        return 0;
    }

    private struct RecordingSink(List<Decision> list) : ITrieSink
    {
        public int Position;

        public readonly int Decide(int depth, int kind, uint one, uint total, int known)
        {
            list.Add(new Decision(Position + depth, (byte)depth, (byte)kind, (byte)known, one, total));
            return known;
        }

        public readonly void Implied(int bit) { }

        public readonly ReadOnlySpan<byte> Ahead() => default;

        public readonly void Expect(int longest) { }
    }

    private static int CompareEnsembles(string[] specs, string[] files)
    {
        var bundle = LmzModelBundle.Default;
        var totals = new double[specs.Length, 2];
        long allBytes = 0;
        Console.WriteLine($"{"file",-14} " + string.Join(" ", specs.Select(s => $"{s,27}")) + "   (bpb tokens / hybrid, ideal)");
        foreach (var file in files)
        {
            var data = File.ReadAllBytes(file);
            var ids = new List<int>();
            bundle.Files.Tokenizer.Encode(data, ids);
            var line = $"{Path.GetFileName(file),-14} ";
            for (int s = 0; s < specs.Length; s++)
            {
                string spec = specs[s];
                var decisions = Decisions($"E{spec}", file, data, () =>
                    ((TokenEnsemble)Ablation.CreateModel(spec, bundle, Ablation.Record(spec, bundle, file, [.. ids]), out _), null));
                double tokens = decisions.Sum(d => -Math.Log2((d.Bit == 1 ? d.One : d.Total - d.One) / (double)d.Total));
                double endBits = 0, hybrid = Simulate(data, decisions, Format.Current.Hybrid(LevelProfile.For(LmzCompressionOptions.DefaultLevel))!, ref endBits);
                totals[s, 0] += tokens;
                totals[s, 1] += hybrid;
                line += $"{tokens / data.Length,13:F4} /{hybrid / data.Length,7:F4}";
            }
            Ablation.Forget();
            allBytes += data.Length;
            Console.WriteLine(line);
        }
        Console.WriteLine($"{"total",-14} " + string.Join(" ", Enumerable.Range(0, specs.Length).Select(s =>
            $"{totals[s, 0] / allBytes,13:F4} /{totals[s, 1] / allBytes,7:F4}")));
        return 0;
    }

    private static Decision[] Decisions(int level, string file, byte[] data) => Decisions($"L{level}", file, data, () =>
    {
        var bundle = LmzModelBundle.Default;
        var tokens = LevelProfile.For(level).Tokens;
        if (tokens.Network == TokenNetwork.Learning) // level 9: the network learns as it codes, with its own rows
            return ((ITokenDistribution)TokenCoderFactory.CreateNeural(tokens, bundle.Files, Environment.ProcessorCount, NetworkEngineKind.Native), null);
        var window = TokenCoderFactory.CreateNetworkWindow(bundle.Files, NetworkEngineKind.Native, tokens);
        return ((TokenEnsemble)TokenCoderFactory.Create(tokens, bundle.Files.Tokenizer.VocabSize, new NetworkPredictor(window)), window);
    });

    /// <summary>
    /// The decisions of a token model along each token's trie path, cached in /tmp/lmz-hybrid
    /// under key and the bundle's fingerprint; create gives the model and the live network window it reads, if any.
    /// </summary>
    private static Decision[] Decisions(string key, string file, byte[] data, Func<(ITokenDistribution Model, NetworkWindow? Window)> create)
    {
        Directory.CreateDirectory("/tmp/lmz-hybrid");
        var bundle = LmzModelBundle.Default;
        string cache = $"/tmp/lmz-hybrid/{Path.GetFileName(file)}.{key}.{data.Length}.{bundle.FingerprintHex[..8]}.bin";
        if (File.Exists(cache)) return MemoryMarshal.Cast<byte, Decision>(File.ReadAllBytes(cache)).ToArray();
        var sw = Stopwatch.StartNew();
        var ids = new List<int>();
        bundle.Files.Tokenizer.Encode(data, ids);
        var trie = bundle.Files.Trie;
        var (model, window) = create();
        using var owned = window;
        using var disposable = model as IDisposable;
        var cumulative = new uint[trie.Count + 1];
        var list = new List<Decision>();
        var sink = new RecordingSink(list);
        int previous = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            window?.Step(previous, i);
            trie.Cumulate(model.Predict(), cumulative);
            trie.Walk(cumulative, ids[i], ref sink);
            sink.Position += bundle.Files.Tokenizer.TokenBytes(ids[i]).Length;
            model.Update(ids[i]);
            previous = ids[i];
        }
        var array = list.ToArray();
        File.WriteAllBytes(cache, MemoryMarshal.AsBytes(array.AsSpan()).ToArray());
        Console.Error.WriteLine($"{file}: {ids.Count} tokens, {array.Length} decisions in {sw.Elapsed.TotalSeconds:F1} s");
        return array;
    }

    private static string FileName = "";

    private static double[,]? Breakdown = Environment.GetEnvironmentVariable("H_BREAKDOWN") != null ? new double[3, 3] : null;

    private static double Cost(int p, int bit) => Math.Log2(4096.0 / (bit == 1 ? p : 4096 - p));

    /// <summary>Replays the decisions through the hybrid's mixer over the file's bytes; returns the bits.</summary>
    private static double Simulate(byte[] data, Decision[] decisions, HybridOptions options, ref double endBits)
    {
        endBits = 0;
        string? dumpDir = Environment.GetEnvironmentVariable("H_DUMP");
        var perByte = dumpDir != null ? new float[data.Length + 1] : null;
        using var mixer = new HybridDecisionModel(data.Length, 22, options);
        var trie = LmzModelBundle.Default.Files.Trie;
        double bits = 0;
        int r = 0;
        for (int pos = 0; pos <= data.Length; pos++)
        {
            if (r < decisions.Length && decisions[r].Position == pos && decisions[r].Kind == TrieDecision.End)
            {
                var d = decisions[r++];
                var (lo, hi) = trie.RangeOf(data.AsSpan(pos - d.Depth, d.Depth));
                mixer.Expect(trie.LongestAlong(lo + 1, hi, d.Depth, mixer.Ahead()));
                double cost = Cost(mixer.PredictEnd(d.Depth, d.One, d.Total), d.Bit);
                bits += cost;
                endBits += cost;
                if (perByte != null) perByte[pos] += (float)cost;
                mixer.LearnEnd(d.Bit);
            }
            if (pos == data.Length) break;
            for (int k = 7; k >= 0; k--)
            {
                int bit = data[pos] >> k & 1;
                if (r < decisions.Length && decisions[r].Position == pos && decisions[r].Kind == k)
                {
                    var d = decisions[r++];
                    double c = Cost(mixer.PredictBit(d.Depth, k, d.One, d.Total), bit);
                    bits += c;
                    if (perByte != null) perByte[pos] += (float)c;
                    if (Breakdown != null)
                    {
                        int cat = Math.Min((int)d.Depth, 2);
                        Breakdown[cat, 0] += c;
                        Breakdown[cat, 1] += -Math.Log2((bit == 1 ? d.One : d.Total - d.One) / (double)d.Total);
                        Breakdown[cat, 2]++;
                    }
                    mixer.LearnBit(bit);
                }
                else mixer.Implied(bit);
            }
        }
        if (perByte != null)
        {
            Directory.CreateDirectory(dumpDir!);
            File.WriteAllBytes(Path.Combine(dumpDir!, $"{Path.GetFileName(FileName)}.{(options.ForCode ? "code" : "text")}.{(long)options.Contexts:X}.f32"), MemoryMarshal.AsBytes(perByte.AsSpan(0, data.Length)).ToArray());
        }
        if (r != decisions.Length) throw new InvalidOperationException($"replayed {r} of {decisions.Length} decisions");
        if (Breakdown != null)
        {
            for (int c = 0; c < 3; c++) Console.WriteLine($"  depth {c}{(c == 2 ? "+" : " ")}: {Breakdown[c, 2],8} decisions, tokens {Breakdown[c, 1] / 8,8:F0} B, hybrid {Breakdown[c, 0] / 8,8:F0} B");
            Breakdown = new double[3, 3];
        }
        return bits;
    }
}
