using System.Diagnostics;
using Lmz.Coding;
using Lmz.Modeling;

namespace Lmz.Bench;

/// <summary>
/// Codes whole files (one stream each, no container) with a chosen predictor set and prints
/// bits per byte of the coded payload. Spec: predictors joined by '+': t = transformer,
/// o = order 0, nK = n-gram to order K, m = match model, nobias = no bias head; or "ppm" for
/// the level-1 model.
/// </summary>
public static class Ablation
{
    public static void Run(string spec, IEnumerable<string> files)
    {
        var bundle = LmzModelBundle.Default;
        int vocab = bundle.Tokenizer.VocabSize;
        var parts = spec.Split('+');
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var ids = new List<int>();
            bundle.Tokenizer.Encode(bytes, ids);
            using var batch = parts.Contains("t") ? new TransformerBatch(bundle.Transformer, 1, 1) : null;
            ITokenCodingModel Create(int stream)
            {
                if (spec == "ppm") return new TokenPpmModel(vocab, 4);
                var settings = new MixerSettings();
                if (parts.Contains("nobias")) settings = settings with { BiasRate = 0 };
                var predictors = parts.Where(p => p != "nobias").Select(p => p switch
                {
                    "t" => batch!.Predictors[stream],
                    "m" => new MatchModel(vocab),
                    "o" => (ITokenPredictor)new OrderZeroModel(vocab),
                    _ => new TokenNGramModel(vocab, int.Parse(p[1..])),
                }).ToList();
                return new TokenEnsemble(vocab, predictors, settings);
            }
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var payload = TokenStreamCoder.Encode([ids.ToArray()], Create, batch, 1, default)[0];
            double seconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"{spec,-24} {Path.GetFileName(file),-14} {bytes.Length,9} B {ids.Count,8} tok  {payload.Length * 8.0 / bytes.Length:F4} bpb  " +
                $"{bytes.Length / 1024.0 / seconds,8:F1} KB/cpu-s {bytes.Length / 1024.0 / clock.Elapsed.TotalSeconds,8:F1} KB/s");
        }
    }
}
