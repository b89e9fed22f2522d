using System.Diagnostics;
using Lmz;
using Lmz.Bench;
using Lmz.Modeling;

if (args.Length > 0 && args[0] == "ablate")
{
    // ablate TOKENIZER "n2+n5+m" FILES...  (nK = n-gram of max order K, m = match model, nobias)
    string tok = args[1];
    int vocab = 8192;
    foreach (var spec in args[2].Split(','))
    {
        var parts = spec.Split('+');
        var settings = new MixerSettings();
        if (parts.Contains("nobias")) settings = settings with { BiasRate = 0 };
        Ablation.Run(tok, args.Skip(3), _ => new TokenEnsemble(vocab, parts.Where(p => p != "nobias").Select(p =>
            p == "m" ? (ITokenPredictor)new MatchModel(vocab) : new TokenNGramModel(vocab, int.Parse(p[1..]))).ToList(), settings), spec);
    }
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
