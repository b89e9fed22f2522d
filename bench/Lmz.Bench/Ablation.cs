using System.Diagnostics;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Tokens;
using Lmz.Network;

namespace Lmz.Bench;

/// <summary>
/// Codes whole files (one stream each, no container) with a chosen predictor set and prints
/// bits per byte of the coded payload. Spec: predictors joined by '+': t = transformer,
/// o = order 0, nK = n-gram to order K, m = match model, nobias = no bias head; or "ppm" for
/// the level-1 model.
/// </summary>
public static class Ablation
{
    // Transformer logits per file, computed once per process so that many predictor sets can be
    // compared without re-running the network (the logits of one stream do not depend on them).
    private static readonly Dictionary<string, RecordedNetwork> LogitCache = [];

    /// <summary>The network's logits and final hidden state at every position of one stream (empty at position 0).</summary>
    internal sealed record RecordedNetwork(float[][] Logits, float[][] Hidden);

    /// <summary>Drops the recorded networks (book1's alone takes 7.5 GB).</summary>
    internal static void Forget() => LogitCache.Clear();

    /// <summary>The recorded network of a file when the spec uses the transformer ("t"), else null.</summary>
    internal static RecordedNetwork? Record(string spec, LmzModelBundle bundle, string file, int[] ids) =>
        spec.Split('+').Contains("t") ? Logits(bundle, file, ids) : null;

    private static RecordedNetwork Logits(LmzModelBundle bundle, string file, int[] ids)
    {
        if (LogitCache.TryGetValue(file, out var cached)) return cached;
        using var window = TokenCoderFactory.CreateNetworkWindow(bundle.Files, Lmz.Network.NetworkEngineKind.Native, LevelProfile.For(LmzCompressionOptions.DefaultLevel).Tokens);
        var scores = new TokenScores(bundle.Files.Tokenizer.VocabSize);
        var predictor = new NetworkPredictor(window);
        var logits = new float[ids.Length][];
        var hidden = new float[ids.Length][];
        for (int i = 0; i < ids.Length; i++)
        {
            window.Step(i == 0 ? 0 : ids[i - 1], i);
            predictor.Predict(scores);
            logits[i] = scores.IsDense ? scores.DenseValues.ToArray() : [];
            hidden[i] = window.Hidden.ToArray();
        }
        return LogitCache[file] = new RecordedNetwork(logits, hidden);
    }

    /// <summary>Replays recorded logits (and hidden states) as the transformer's row.</summary>
    private sealed class RecordedTransformer(RecordedNetwork recorded, int hiddenSize) : ITokenPredictor, IHiddenStateSource
    {
        private int _position;

        public ReadOnlySpan<float> Hidden => recorded.Hidden[_position];

        public int HiddenSize => hiddenSize;

        public void Predict(TokenScores scores)
        {
            var row = recorded.Logits[_position];
            if (row.Length == 0) scores.BeginSparse(); else row.CopyTo(scores.BeginDense());
        }

        public void Update(int token) => _position++;
    }

    /// <param name="costs">Also print where the bits go (<see cref="CostBreakdown"/>).</param>
    public static void Run(string spec, IEnumerable<string> files, bool costs = false)
    {
        var bundle = LmzModelBundle.Default;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var ids = new List<int>();
            bundle.Files.Tokenizer.Encode(bytes, ids);
            var recorded = Record(spec, bundle, file, [.. ids]);
            MatchModel? match = null; // the last model's, for the cost breakdown
            ITokenCoder Create(int stream) => CreateModel(spec, bundle, recorded, out match);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var payload = TokenStreamCoder.Encode([ids.ToArray()], Create, 1, default)[0];
            double seconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"{spec,-24} {Path.GetFileName(file),-14} {bytes.Length,9} B {ids.Count,8} tok  {payload.Length * 8.0 / bytes.Length:F4} bpb  " +
                $"{bytes.Length / 1024.0 / seconds,8:F1} KB/cpu-s {bytes.Length / 1024.0 / clock.Elapsed.TotalSeconds,8:F1} KB/s");
            if (!costs) continue;
            if (Create(0) is not TokenEnsemble ensemble) { Console.WriteLine("  (no cost breakdown for the level-1 model)"); continue; }
            var breakdown = new CostBreakdown(bundle.Files.Tokenizer);
            breakdown.Run(ensemble, match, ids);
            breakdown.Print(Console.Out);
        }
    }

    /// <summary>The token model a spec names (see the class summary); match is its match model, if any.</summary>
    internal static ITokenCoder CreateModel(string spec, LmzModelBundle bundle, RecordedNetwork? recorded, out MatchModel? match)
    {
        int vocab = bundle.Files.Tokenizer.VocabSize;
        var parts = spec.Split('+');
        MatchModel? found = null;
        match = null;
        if (spec == "ppm") return new TokenPpmCoder(vocab, 4);
        var settings = new MixerSettings();
        if (parts.Contains("nobias")) settings = settings with { BiasRate = 0 };
        if (parts.Contains("noapm")) settings = settings with { TopTokenApm = false };
        foreach (var p in parts)
        {
            // Mixer settings: wr=weight rate, br=bias rate, iw=initial weight sum (e.g. "wr0.005"),
            // as=the mixer's share (of 4) in the top-token APM's output.
            if (p.StartsWith("wr")) settings = settings with { WeightRate = double.Parse(p[2..]) };
            if (p.StartsWith("br")) settings = settings with { BiasRate = double.Parse(p[2..]) };
            if (p.StartsWith("iw")) settings = settings with { InitialWeight = double.Parse(p[2..]) };
            if (p.StartsWith("as")) settings = settings with { ApmInputShare = int.Parse(p[2..]) };
            // Hidden-state adapter: arN = rank N, aaX = its learning rate.
            if (p.StartsWith("ar")) settings = settings with { AdapterRank = int.Parse(p[2..]) };
            if (p.StartsWith("aa")) settings = settings with { AdapterRate = double.Parse(p[2..]) };
        }
        static bool IsSetting(string p) => p is "nobias" or "noapm" || new[] { "wr", "br", "iw", "as", "ar", "aa" }.Any(p.StartsWith);
        var predictors = parts.Where(p => !IsSetting(p)).Select(p => p switch
        {
            "t" => new RecordedTransformer(recorded!, bundle.Files.NetworkSpec.DModel),
            "m" => found = new MatchModel(vocab),
            _ when p.StartsWith('m') => found = new MatchModel(vocab, int.Parse(p[1..])),
            "o" => (ITokenPredictor)new OrderZeroModel(vocab),
            _ => new TokenNGramModel(vocab, int.Parse(p[1..])),
        }).ToList();
        match = found;
        return new TokenEnsemble(vocab, predictors, settings);
    }
}
