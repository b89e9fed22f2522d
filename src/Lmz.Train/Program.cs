using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lmz.Tokenization;
using Lmz.Train;

// lmz-train: the offline steps that build the model bundle's tokenizer and training data.
//   lmz-train bpe      --data DIR --vocab N --out FILE [--doc-prefix BYTES]
//   lmz-train vocab-report --data DIR --ranks FILE   (bytes per token of each rank-file prefix)
//   lmz-train tokenize --data DIR --ranks FILE --out DIR
//     (train.u16, valid.u16, tokens.json, and spans.tsv: where each shard's documents lie in them)
var argsList = args.ToList();
string Arg(string name, string? fallback = null)
{
    int i = argsList.IndexOf(name);
    if (i >= 0 && i + 1 < argsList.Count) return argsList[i + 1];
    return fallback ?? throw new ArgumentException($"missing {name}");
}

if (argsList.Count == 0) { Console.Error.WriteLine("usage: lmz-train bpe|vocab-report|tokenize ..."); return 2; }
var corpus = new TrainingCorpus(Arg("--data", "../shared/train"));
var clock = Stopwatch.StartNew();
switch (argsList[0])
{
    case "bpe":
    {
        int vocab = int.Parse(Arg("--vocab", "8192"), CultureInfo.InvariantCulture);
        int prefix = int.Parse(Arg("--doc-prefix", "16384"), CultureInfo.InvariantCulture);
        var trainer = new BpeTrainer();
        long sampled = 0;
        foreach (var (doc, bytes) in corpus.ReadAll())
        {
            if (TrainingCorpus.IsValidation(doc)) continue;
            var take = bytes.Span[..Math.Min(prefix, bytes.Length)];
            trainer.AddText(take);
            sampled += take.Length;
        }
        Console.WriteLine($"sampled {sampled:N0} bytes, {trainer.DistinctWords:N0} distinct pieces ({clock.Elapsed.TotalSeconds:F0}s)");
        var ranks = trainer.Train(vocab, msg => Console.WriteLine($"{msg} ({clock.Elapsed.TotalSeconds:F0}s)"));
        BpeTrainer.WriteRankFile(ranks, Arg("--out"));
        Console.WriteLine($"wrote {ranks.Count} ranks to {Arg("--out")}");
        return 0;
    }
    case "vocab-report":
    {
        var lines = File.ReadAllLines(Arg("--ranks"));
        var validation = corpus.ReadAll().Where(d => TrainingCorpus.IsValidation(d.Doc)).Select(d => d.Bytes.ToArray()).ToList();
        long bytes = validation.Sum(v => (long)v.Length);
        foreach (int size in new[] { 2048, 4096, 8192, 12288, 16384 }.Where(s => s <= lines.Length))
        {
            var tokenizer = LmzTokenizer.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(string.Join('\n', lines.Take(size)) + "\n")));
            long tokens = 0;
            var ids = new List<int>();
            foreach (var doc in validation) { ids.Clear(); tokenizer.Encode(doc, ids); tokens += ids.Count; }
            Console.WriteLine($"vocab {size,6}: {tokens,10:N0} tokens, {(double)bytes / tokens:F3} bytes/token on {bytes:N0} validation bytes");
        }
        return 0;
    }
    case "tokenize":
    {
        var tokenizer = LmzTokenizer.Load(Arg("--ranks"));
        string outDir = Arg("--out");
        Directory.CreateDirectory(outDir);
        long[] tokenCount = new long[2], byteCount = new long[2];
        using var train = new BinaryWriter(File.Create(Path.Combine(outDir, "train.u16")));
        using var valid = new BinaryWriter(File.Create(Path.Combine(outDir, "valid.u16")));
        var ids = new List<int>();
        // One span per (set, shard): a shard's documents are contiguous in each token file, so the
        // trainer can sample by domain and validate per domain without re-reading the manifest.
        var spans = new List<(int Set, string Shard, long Start, long Tokens, long Bytes)>();
        int[] open = [-1, -1]; // each set's current span in spans
        foreach (var (doc, bytes) in corpus.ReadAll())
        {
            int set = TrainingCorpus.IsValidation(doc) ? 1 : 0;
            ids.Clear();
            tokenizer.Encode(bytes.Span, ids);
            var writer = set == 1 ? valid : train;
            foreach (int id in ids) writer.Write((ushort)id);
            if (open[set] < 0 || spans[open[set]].Shard != doc.Shard)
            {
                open[set] = spans.Count;
                spans.Add((set, doc.Shard, tokenCount[set], 0, 0));
            }
            var span = spans[open[set]];
            spans[open[set]] = span with { Tokens = span.Tokens + ids.Count, Bytes = span.Bytes + bytes.Length };
            tokenCount[set] += ids.Count;
            byteCount[set] += bytes.Length;
        }
        File.WriteAllLines(Path.Combine(outDir, "spans.tsv"),
            new[] { "set\tdomain\tshard\ttoken_start\ttokens\tbytes" }.Concat(spans.Select(s =>
                $"{(s.Set == 1 ? "valid" : "train")}\t{TrainingCorpus.DomainOf(s.Shard)}\t{s.Shard}\t{s.Start}\t{s.Tokens}\t{s.Bytes}")));
        var summary = new Dictionary<string, long>
        {
            ["vocab_size"] = tokenizer.VocabSize,
            ["train_tokens"] = tokenCount[0], ["train_bytes"] = byteCount[0],
            ["valid_tokens"] = tokenCount[1], ["valid_bytes"] = byteCount[1],
        };
        File.WriteAllText(Path.Combine(outDir, "tokens.json"), JsonSerializer.Serialize(summary));
        Console.WriteLine($"{JsonSerializer.Serialize(summary)} ({clock.Elapsed.TotalSeconds:F0}s)");
        return 0;
    }
    default:
        Console.Error.WriteLine($"lmz-train: unknown command '{argsList[0]}'");
        return 2;
}
