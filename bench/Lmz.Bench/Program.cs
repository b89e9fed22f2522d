using System.Diagnostics;
using Lmz;
using Lmz.Bench;
using Lmz.Modeling;

if (args.Length > 0 && args[0] == "ablate")
{
    string tok = args[1];
    var files = args.Skip(2).ToArray();
    int vocab = 8192;
    var settings = new MixerSettings();
    Ablation.Run(tok, files, _ => new TokenEnsemble(vocab, [new TokenNGramModel(vocab, 4)], settings with { BiasRate = 0 }), "ngram4 nobias");
    Ablation.Run(tok, files, _ => new TokenEnsemble(vocab, [new TokenNGramModel(vocab, 4)], settings), "ngram4 +bias");
    Ablation.Run(tok, files, _ => new TokenEnsemble(vocab, [new TokenNGramModel(vocab, 2), new TokenNGramModel(vocab, 5)], settings), "ngram2+5 +bias");
    return 0;
}
if (args.Length > 0 && args[0] == "roundtrip")
{
    int level = int.Parse(args[1]);
    foreach (var file in args.Skip(2))
    {
        var data = File.ReadAllBytes(file);
        var sw = Stopwatch.StartNew();
        var packed = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = level });
        double c = sw.Elapsed.TotalSeconds; sw.Restart();
        var back = LmzCompressor.Decompress(packed);
        double d = sw.Elapsed.TotalSeconds;
        var info = LmzContainerInfo.Read(new MemoryStream(packed));
        Console.WriteLine($"{Path.GetFileName(file),-14} {data.Length,9} -> {packed.Length,9}  {packed.Length * 8.0 / Math.Max(1, data.Length):F4} bpb  c {data.Length / 1024.0 / c,7:F1} KB/s  d {data.Length / 1024.0 / d,7:F1} KB/s  {(back.AsSpan().SequenceEqual(data) ? "OK" : "MISMATCH")}  {string.Join(",", info.Chunks.Select(ch => ch.Method))}");
    }
    return 0;
}
return 0;
