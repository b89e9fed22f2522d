using Lmz.Core;
namespace Lmz.Bench.Micro;

/// <summary>Shared inputs: a real token stream (corpora/canterbury/alice29.txt through the bundle's tokenizer), else Zipf-like tokens.</summary>
public static class MicroData
{
    public const int Vocab = 8192;

    private static readonly Lazy<int[]> TokensLazy = new(Load);

    public static int[] Tokens => TokensLazy.Value;

    private static int[] Load()
    {
        string text = Path.Combine(RepoPaths.Corpora, "canterbury", "alice29.txt");
        if (File.Exists(text))
        {
            var ids = new List<int>();
            LmzModelBundle.Default.Files.Tokenizer.Encode(File.ReadAllBytes(text), ids);
            if (ids.Count > 0 && ids.Max() < Vocab) return [.. ids];
        }
        var rnd = new Random(1);
        return Enumerable.Range(0, 60_000).Select(_ => (int)Math.Min(Vocab - 1, Math.Exp(rnd.NextDouble() * Math.Log(Vocab)) - 1)).ToArray();
    }

    /// <summary>Weights like a mixer's output: exp of log-scores spread over ~20 nats.</summary>
    public static double[] Weights(int seed)
    {
        var rnd = new Random(seed);
        return Enumerable.Range(0, Vocab).Select(_ => FixedMath.Exp(-rnd.NextDouble() * 20)).ToArray();
    }
}
