using System.Diagnostics;
using Lmz.Coding;
using Lmz.Core;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Tokens;
using Lmz.Network;
using Lmz.Network.Adaptive;

namespace Lmz.Bench.Dev;

/// <summary>ablate [--costs] "t+o+n2+n5+m,ppm,..." FILES...: bits per byte of each predictor set (see Ablation), and with --costs where they go.</summary>
public static class AblateCommand
{
    public static int Run(string[] args)
    {
        bool costs = args.Contains("--costs");
        args = [.. args.Where(a => a != "--costs")];
        if (args.Length < 2) return Fail("usage: ablate [--costs] SPECS FILES...   (spec: t+o+n2+n5+m[+nobias] or ppm; several joined by ',')");
        foreach (var spec in args[0].Split(',')) Ablation.Run(spec, args.Skip(1), costs);
        return 0;
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}

/// <summary>roundtrip LEVEL FILES...: in-process compression and decompression through the library.</summary>
public static class RoundtripCommand
{
    public static int Run(string[] args)
    {
        // --compress-only: skip decompression (for quick ratio experiments with slow levels)
        bool compressOnly = args.Contains("--compress-only");
        args = [.. args.Where(a => a != "--compress-only")];
        if (args.Length < 2) return AblateCommand.Fail("usage: roundtrip LEVEL [--compress-only] FILES...");
        int level = int.Parse(args[0]);
        bool allOk = true;
        foreach (var file in args.Skip(1))
        {
            var data = File.ReadAllBytes(file);
            var sw = Stopwatch.StartNew();
            var packed = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = level });
            double c = sw.Elapsed.TotalSeconds; sw.Restart();
            var back = compressOnly ? data : LmzCompressor.Decompress(packed);
            double d = compressOnly ? double.NaN : sw.Elapsed.TotalSeconds;
            var info = LmzContainerInfo.Read(new MemoryStream(packed));
            bool ok = back.AsSpan().SequenceEqual(data);
            allOk &= ok;
            Console.WriteLine($"{Path.GetFileName(file),-14} {data.Length,9} -> {packed.Length,9}  {packed.Length * 8.0 / Math.Max(1, data.Length):F4} bpb  c {data.Length / 1024.0 / c,7:F1} KB/s  d {data.Length / 1024.0 / d,7:F1} KB/s  {(compressOnly ? "not decoded" : ok ? "OK" : "MISMATCH")}  {string.Join(",", info.Chunks.Select(ch => ch.Method))}");
        }
        return allOk ? 0 : 1;
    }
}

/// <summary>passes: microsecond timings of one exp pass, one mix pass and one CDF build over 8192 entries.</summary>
public static class PassesCommand
{
    public static int Run()
    {
        int v = 8192, reps = 20000;
        var p = new double[v]; var f = new float[v]; var rnd = new Random(1);
        for (int t = 0; t < v; t++) { f[t] = (float)(-rnd.NextDouble() * 20); p[t] = f[t]; }
        var sw = Stopwatch.StartNew();
        double sink = 0;
        for (int r = 0; r < reps; r++) { double s = 0; for (int t = 0; t < v; t++) { double e = FixedMath.Exp(p[t] - 1); s += e; } sink += s; }
        Console.WriteLine($"exp pass: {sw.Elapsed.TotalMicroseconds / reps:F1} us");
        var q = new double[v];
        sw.Restart();
        for (int r = 0; r < reps; r++) { p.CopyTo(q, 0); FixedMath.ExpShiftedInPlace(q, 1); double s = 0; for (int t = 0; t < v; t++) s += q[t]; sink += s; }
        Console.WriteLine($"exp pass, ExpShiftedInPlace + sum: {sw.Elapsed.TotalMicroseconds / reps:F1} us");
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
}

/// <summary>
/// netstep [DIR...]: microseconds per step of the shipped integer network (or of each bundle DIR,
/// as models/training/bench_arch.py --export writes them) on one thread, for each engine and
/// kernel path this CPU has (best of 3 passes over a full window), one and two streams at once,
/// and the weight products alone.
/// </summary>
public static class NetstepCommand
{
    public static int Run(string[] args)
    {
        foreach (var bundle in args.Length == 0 ? [LmzModelBundle.Default] : args.Select(LmzModelBundle.Load))
        {
            if (!bundle.HasTransformer) return AblateCommand.Fail($"netstep: the model bundle in {bundle.Directory} has no integer network ({LmzModelBundle.NetworkFile})");
            var s = bundle.Files.NetworkSpec;
            Console.WriteLine($"{bundle.Directory}: L{s.Layers} D{s.DModel} H{s.Heads} N{s.Context} V{s.VocabSize}");
            Measure(bundle);
        }
        return 0;
    }

    private static void Measure(LmzModelBundle bundle)
    {
        foreach (var path in Enum.GetValues<KernelPath>().Where(Int8Kernels.IsSupported).Reverse())
            Measure($"native {path}", () => new NativeIntegerEngine(bundle.Files.IntegerWeights, path), bundle);
        Measure("onnxruntime", () => bundle.Files.CreateNetworkEngine(NetworkEngineKind.OnnxRuntime), bundle);
        foreach (int streams in new[] { 1, 2 }) MeasureConcurrent(bundle, streams);
        MeasureProducts(bundle);
    }

    /// <summary>One row through each weight matrix alone (memory-bound: the whole model is more than L2).</summary>
    private static void MeasureProducts(LmzModelBundle bundle)
    {
        var w = bundle.Files.IntegerWeights;
        var all = w.Layers.SelectMany(l => new[] { l.Qkv, l.Proj, l.Fc, l.FcOut }).Append(w.Output).ToArray();
        var q = new sbyte[1024];
        new Random(1).NextBytes((byte[])(Array)q);
        var acc = new int[8192];
        foreach (var path in new[] { KernelPath.AvxVnni, KernelPath.Avx2 }.Where(Int8Kernels.IsSupported))
        {
            double best = double.MaxValue, bestOut = double.MaxValue;
            for (int pass = 0; pass < 20; pass++)
            {
                var sw = Stopwatch.StartNew();
                foreach (var m in all) Int8Kernels.MatVec(q, m, acc, path);
                best = Math.Min(best, sw.Elapsed.TotalMicroseconds);
                sw.Restart();
                Int8Kernels.MatVec(q, w.Output, acc, path);
                bestOut = Math.Min(bestOut, sw.Elapsed.TotalMicroseconds);
            }
            long bytes = all.Sum(m => (long)m.Grouped.Length);
            Console.WriteLine($"products {path}: all matrices {best:F0} us ({bytes / best / 1000:F1} GB/s); output layer again right after {bestOut:F0} us");
        }
    }

    /// <summary>Streams on a thread each, as a coding run steps them: microseconds per step of every stream.</summary>
    private static void MeasureConcurrent(LmzModelBundle bundle, int members)
    {
        var spec = bundle.Files.NetworkSpec;
        int steps = spec.Context - 1;
        double best = double.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            var windows = Enumerable.Range(0, members).Select(_ => new NetworkWindow(bundle.Files.CreateNetworkEngine(NetworkEngineKind.Native), spec, 64)).ToArray();
            var sw = Stopwatch.StartNew();
            var threads = windows.Select((w, m) => new Thread(() => { for (int i = 0; i <= steps; i++) w.Step(17 + (i + m) % 13, i); })).ToArray();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / steps);
            foreach (var w in windows) w.Dispose();
        }
        Console.WriteLine($"{members} streams at once: {best,7:F1} us per step of all {members} streams ({members * 1e6 / best:F0} tokens/s)");
    }

    private static void Measure(string name, Func<INetworkEngine> engine, LmzModelBundle bundle)
    {
        var spec = bundle.Files.NetworkSpec;
        using var window = new NetworkWindow(engine(), spec, spec.Context * LevelProfile.For(LmzCompressionOptions.DefaultLevel).KeptContextEighths / 8);
        int steps = spec.Context - 1; // positions 1..255: no re-prime inside a pass
        double best = double.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i <= steps; i++) window.Step(17 + i % 13, i);
            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / steps);
        }
        int position = steps + 1;
        window.Step(5, position++); // position 256 fills the window
        double reprime = double.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            var timer = Stopwatch.StartNew();
            window.Step(5, position++); // the window is full: re-prime, then this token
            reprime = Math.Min(reprime, timer.Elapsed.TotalMilliseconds);
            for (int i = window.KeepTokens + 1; i < spec.Context; i++) window.Step(5, position++); // full again
        }
        Console.WriteLine($"{name,-18} {best,7:F1} us/step over positions 1-{steps} ({1e6 / best:F0} tokens/s); re-prime step {reprime:F2} ms (best of 3)");
    }
}


/// <summary>profile LEVEL FILE [THREADS]: microseconds per token in the network step, the prediction and the coding/learning of one stream.</summary>
public static class ProfileCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 2) return AblateCommand.Fail("usage: profile LEVEL FILE [THREADS]");
        int level = int.Parse(args[0]);
        int threads = args.Length > 2 ? int.Parse(args[2]) : 2;
        using var bundle = LmzModelBundle.Default;
        var ids = new List<int>();
        bundle.Files.Tokenizer.Encode(File.ReadAllBytes(args[1]), ids);
        var tokens = LevelProfile.For(level).Tokens;
        using var window = TokenCoderFactory.CreateNetworkWindow(bundle.Files, NetworkEngineKind.Native, tokens);
        var model = (TokenEnsemble)TokenCoderFactory.Create(tokens, bundle.Files.Tokenizer.VocabSize, new NetworkPredictor(window));
        var encoder = new Lmz.Coding.ArithmeticEncoder(new MemoryStream());
        long net = 0, predict = 0, code = 0;
        int previous = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            window.Step(previous, i);
            long t1 = Stopwatch.GetTimestamp();
            var table = model.Predict();
            long t2 = Stopwatch.GetTimestamp();
            encoder.Encode(table.Low(ids[i]), table.High(ids[i]));
            model.Update(ids[i]);
            net += t1 - t0;
            predict += t2 - t1;
            code += Stopwatch.GetTimestamp() - t2;
            previous = ids[i];
        }
        double Us(long ticks) => ticks * 1e6 / Stopwatch.Frequency / ids.Count;
        Console.WriteLine($"{ids.Count} tokens: network {Us(net):F1} us, predict {Us(predict):F1} us, code+learn {Us(code):F1} us, total {Us(net + predict + code):F1} us/token");
        return 0;
    }
}

/// <summary>tokens FILE OUT: the file's token ids as little-endian uint16 (the training tools' .u16 format), for offline experiments.</summary>
public static class TokensCommand
{
    public static int Run(string[] args)
    {
        if (args.Length != 2) return AblateCommand.Fail("usage: tokens FILE OUT.u16");
        using var bundle = LmzModelBundle.Default;
        var ids = new List<int>();
        bundle.Files.Tokenizer.Encode(File.ReadAllBytes(args[0]), ids);
        var bytes = new byte[ids.Count * 2];
        for (int i = 0; i < ids.Count; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), checked((ushort)ids[i]));
        File.WriteAllBytes(args[1], bytes);
        Console.WriteLine($"{args[0]}: {ids.Count} tokens -> {args[1]}");
        return 0;
    }
}

/// <summary>adaptive FILE [RATE]: bits per byte of level 9's learning network alone (no ensemble), to check it against models/training/dyneval.py.</summary>
public static class AdaptiveCommand
{
    public static int Run(string[] args)
    {
        if (args.Length < 1) return AblateCommand.Fail("usage: adaptive FILE [RATE [THREADS]]");
        using var bundle = LmzModelBundle.Default;
        float rate = args.Length > 1 ? float.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : bundle.Files.Learning.Rate;
        var data = File.ReadAllBytes(args[0]);
        var ids = new List<int>();
        bundle.Files.Tokenizer.Encode(data, ids);
        var network = new Lmz.Network.Adaptive.AdaptiveTransformer(bundle.Files.NetworkWeights.Clone(), args.Length > 2 ? int.Parse(args[2]) : 2);
        const int W = LearningTokenCoder.Window;
        var inputs = new int[ids.Count + 1];
        for (int i = 0; i < ids.Count; i++) inputs[i + 1] = ids[i];
        double bits = 0;
        long t0 = Stopwatch.GetTimestamp(), windows = 0;
        for (int t = 0; t < ids.Count; t++)
        {
            if (t % W == 0)
            {
                long t1 = Stopwatch.GetTimestamp();
                LearningTokenCoder.StartWindow(network, inputs.AsSpan(0, t + 1), t, rate);
                windows += Stopwatch.GetTimestamp() - t1;
            }
            network.Step(inputs[t]);
            var logits = network.Logits;
            double max = double.NegativeInfinity;
            foreach (float l in logits) max = Math.Max(max, l);
            double sum = 0;
            foreach (float l in logits) sum += Math.Exp(l - max);
            bits += (Math.Log(sum) - (logits[ids[t]] - max)) / Math.Log(2);
        }
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Console.WriteLine($"{args[0]}: rate {rate}: {bits / data.Length:F4} bpb, {ids.Count} tokens, {seconds * 1e3 / ids.Count:F2} ms/token ({windows * 1e3 / Stopwatch.Frequency / ids.Count:F2} in window starts: SGD step and re-prime)");
        return 0;
    }
}

/// <summary>
/// kernelcheck [REPEATS]: every integer kernel of every supported path on random data, compared
/// with the scalar path (to find an instruction that an emulator or a new CPU gets wrong).
/// </summary>
public static class KernelCheckCommand
{
    public static unsafe int Run(string[] args)
    {
        int repeats = args.Length > 0 ? int.Parse(args[0]) : 1, failures = 0;
        var rng = new Random(5);
        for (int rep = 0; rep < repeats; rep++)
        {
            var grouped = new sbyte[256 * 128];
            rng.NextBytes((byte[])(Array)grouped);
            for (int i = 0; i < grouped.Length; i++) if (grouped[i] == -128) grouped[i] = -127;
            var m = new Int8Matrix(grouped, 256, 128, new long[128], new long[128], 1);
            var q = new sbyte[256];
            rng.NextBytes((byte[])(Array)q);
            for (int i = 0; i < q.Length; i++) if (q[i] == -128) q[i] = 127;
            var q16 = Enumerable.Range(0, 64).Select(_ => (short)rng.Next(-127, 128)).ToArray();
            var keys = Enumerable.Range(0, 64 * 16).Select(_ => (short)rng.Next(-32767, 32768)).ToArray();
            var p = Enumerable.Range(0, 9).Select(_ => rng.Next(0, 16385)).ToArray();
            int[]? acc0 = null, dots0 = null, out0 = null;
            foreach (var path in Enum.GetValues<KernelPath>().Where(Int8Kernels.IsSupported))
            {
                var acc = new int[128];
                var dots = new int[16]; // KeyDots writes whole blocks of eight positions
                var output = new int[64];
                Int8Kernels.MatVec(q, m, acc, path);
                fixed (short* qp = q16, kp = keys) fixed (int* dp = dots, pp = p, op = output)
                {
                    Int8Kernels.KeyDots(qp, kp, 9, 64, dp, path);
                    Int8Kernels.WeightedValues(pp, 9, kp, 64, op, path);
                }
                if (acc0 == null) (acc0, dots0, out0) = (acc, dots, output);
                foreach (var (name, a, b) in new[] { ("MatVec", acc0, acc), ("KeyDots", dots0![..9], dots[..9]), ("WeightedValues", out0!, output) })
                    if (!a.AsSpan().SequenceEqual(b)) { failures++; Console.WriteLine($"repeat {rep}: {path} {name} differs from Scalar"); }
            }
            var x = Enumerable.Range(0, 256).Select(_ => rng.Next(-(1 << 20), 1 << 20)).ToArray();
            int peak = Int8Kernels.PeakMagnitude(x);
            if (peak != Math.Max(1, x.Max(Math.Abs))) { failures++; Console.WriteLine($"repeat {rep}: PeakMagnitude differs"); }
            var codes = new sbyte[256];
            long reciprocal = (127L << 24) / peak;
            Int8Kernels.QuantizeCodes(x, reciprocal, 24, codes);
            for (int i = 0; i < 256; i++)
                if (codes[i] != (sbyte)Math.Clamp((x[i] * reciprocal + (1L << 23)) >> 24, -127, 127)) { failures++; Console.WriteLine($"repeat {rep}: QuantizeCodes differs at {i}"); break; }
            var mult = Enumerable.Range(0, 128).Select(_ => rng.NextInt64(1, 1 << 20)).ToArray();
            var bias = Enumerable.Range(0, 128).Select(_ => rng.NextInt64(-(1L << 40), 1L << 40)).ToArray();
            var y = new long[128];
            int shift = 20 + rep % 28;
            Int8Kernels.Requantize(acc0!, 12345, mult, bias, shift, y, 0, 128);
            for (int n = 0; n < 128; n++)
                if (y[n] != (acc0![n] * 12345L * mult[n] + bias[n]) >> shift) { failures++; Console.WriteLine($"repeat {rep}: Requantize differs at {n} (shift {shift})"); break; }
        }
        Console.WriteLine(failures == 0 ? $"ok: every path agrees with Scalar over {repeats} repeats" : $"{failures} differences");
        return failures == 0 ? 0 : 1;
    }
}
