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
            p == "m" ? (ITokenPredictor)new MatchModel(vocab) : p == "o" ? new OrderZeroModel(vocab) : new TokenNGramModel(vocab, int.Parse(p[1..]))).ToList(), settings), spec);
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
if (args.Length > 0 && args[0] == "passes")
{
    int v = 8192, reps = 20000;
    var p = new double[v]; var f = new float[v]; var rnd = new Random(1);
    for (int t = 0; t < v; t++) { f[t] = (float)(-rnd.NextDouble() * 20); p[t] = f[t]; }
    var sw = Stopwatch.StartNew();
    double sink = 0;
    for (int r = 0; r < reps; r++) { double s = 0; for (int t = 0; t < v; t++) { double e = FixedMath.Exp(p[t] - 1); s += e; } sink += s; }
    Console.WriteLine($"exp pass: {sw.Elapsed.TotalMicroseconds / reps:F1} us");
    sw.Restart();
    for (int r = 0; r < reps; r++) { for (int t = 0; t < v; t++) p[t] += 0.5 * f[t]; }
    Console.WriteLine($"mix pass: {sw.Elapsed.TotalMicroseconds / reps:F1} us");
    var table = new Lmz.Coding.FrequencyTable(v);
    for (int t = 0; t < v; t++) p[t] = FixedMath.Exp(f[t]);
    double sum = p.Sum();
    sw.Restart();
    for (int r = 0; r < reps; r++) table.Build(p, sum);
    Console.WriteLine($"cdf pass: {sw.Elapsed.TotalMicroseconds / reps:F1} us {sink}");
    return 0;
}
if (args.Length > 0 && args[0] == "netstep")
{
    var bundle = LmzModelBundle.Default;
    foreach (int threads in new[] { 1, 2 })
    foreach (int batch in new[] { 1, 8 })
    {
        using var b = new Lmz.Modeling.TransformerBatch(bundle.Transformer, batch, threads);
        var prev = new int[batch];
        var sw = Stopwatch.StartNew();
        int steps = 300;
        for (int i = 0; i < steps; i++) b.Step(prev, i);
        Console.WriteLine($"threads {threads} batch {batch}: {steps * batch / sw.Elapsed.TotalSeconds:F0} tokens/s");
    }
    bundle.Dispose();
    return 0;
}
return 0;
