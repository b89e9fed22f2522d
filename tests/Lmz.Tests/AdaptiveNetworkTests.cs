using CsCheck;
using Lmz.Network;
using Lmz.Network.Adaptive;

namespace Lmz.Tests;

public class MatrixKernelTests
{
    [Fact]
    public void Products_have_the_bits_of_an_in_order_scalar_sum_at_any_thread_count()
    {
        var cases = Gen.Select(Gen.Int[1, 70], Gen.Int[1, 40], Gen.Int[1, 300], Gen.Int[0, 1 << 30]);
        cases.Sample((m, k, n, seed) =>
        {
            var rng = new Random(seed);
            var a = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var start = Enumerable.Range(0, m * n).Select(_ => (float)rng.NextDouble()).ToArray();
            var expected = (float[])start.Clone();
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float s = expected[i * n + j];
                    for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                    expected[i * n + j] = s;
                }
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var c = (float[])start.Clone();
                MatrixKernels.Multiply(a, b, c, m, k, n, accumulate: true, threads: threads);
                Assert.True(c.AsSpan().SequenceEqual(expected), $"m {m} k {k} n {n} threads {threads}");
            }
        }, iter: 150);
    }

    [Fact]
    public void Multiply_rejects_spans_shorter_than_their_shapes() =>
        Assert.Throws<ArgumentException>(() => MatrixKernels.Multiply(new float[5], new float[6], new float[6], 2, 3, 2));
}

public class AdaptiveTransformerTests
{
    /// <summary>A small random network (vocab 24, 2 layers, d 16, 2 heads, context 12).</summary>
    private static NetworkWeights TinyNetwork(int seed)
    {
        var weights = new NetworkWeights(vocab: 24, layers: 2, dModel: 16, heads: 2, context: 12);
        var rng = new Random(seed);
        for (int i = 0; i < weights.Values.Length; i++) weights.Values[i] = (float)(rng.NextDouble() - 0.5) * 0.8f;
        for (int l = 0; l < weights.Layers; l++)
        {
            var o = weights.Layer[l];
            for (int i = 0; i < weights.DModel; i++) { weights.Values[o.Ln1Weight + i] += 1; weights.Values[o.Ln2Weight + i] += 1; }
        }
        for (int i = 0; i < weights.DModel; i++) weights.Values[weights.LnFWeight + i] += 1;
        weights.SyncOutput();
        return weights;
    }

    [Fact]
    public void Training_step_follows_the_finite_difference_gradient_of_every_tensor()
    {
        var weights = TinyNetwork(7);
        int[] ids = [0, 5, 9, 3, 5, 9, 17, 2, 5, 9];
        int[] targets = [17, 2, 5, 9, 3]; // the next token after each of the last five inputs
        double Loss(NetworkWeights w) => new AdaptiveTransformer(w.Clone(), 1).Train(ids, targets, 0f) / targets.Length;

        const float rate = 1e-3f;
        var stepped = weights.Clone();
        new AdaptiveTransformer(stepped, 1).Train(ids, targets, rate);
        var o = weights.Layer[1];
        int[] probes =
        [
            weights.Wte + 9 * 16 + 3, weights.Wte + 17 * 16 + 1, // an input row, and a target row (the tied output)
            weights.Wpe + 4 * 16 + 2, o.Ln1Weight + 5, o.Ln1Bias + 6, o.Qkv + 3 * 48 + 2, o.Qkv + 7 * 48 + 20,
            o.Qkv + 1 * 48 + 40, o.Proj + 33, o.Ln2Weight + 1, o.Fc + 100, o.FcOut + 77, weights.LnFWeight + 3, weights.LnFBias + 8,
            weights.Layer[0].Qkv + 5 * 48 + 18, weights.Layer[0].FcOut + 500,
        ];
        foreach (int index in probes)
        {
            double analytic = (weights.Values[index] - stepped.Values[index]) / (double)rate;
            const float eps = 1e-2f;
            var plus = weights.Clone(); plus.Values[index] += eps; plus.SyncOutput();
            var minus = weights.Clone(); minus.Values[index] -= eps; minus.SyncOutput();
            double numeric = (Loss(plus) - Loss(minus)) / (2 * eps);
            Assert.True(Math.Abs(numeric - analytic) <= 0.05 * Math.Abs(numeric) + 2e-3,
                $"parameter {index}: analytic {analytic:G5}, finite difference {numeric:G5}");
        }
        Assert.NotEqual(0, Loss(weights));
    }

    [Fact]
    public void Training_on_a_window_lowers_its_cost()
    {
        var weights = TinyNetwork(3);
        var network = new AdaptiveTransformer(weights, 1);
        int[] ids = [0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2];
        int[] targets = [3, 1, 2, 3];
        double before = network.Train(ids, targets, 0.1f);
        for (int i = 0; i < 20; i++) network.Train(ids, targets, 0.1f);
        Assert.True(network.Train(ids, targets, 0f) < before * 0.5, "twenty steps should halve the cost of a repeated window");
    }

    [Fact]
    public void Step_predicts_what_the_window_forward_predicts()
    {
        var network = new AdaptiveTransformer(TinyNetwork(5), 1);
        int[] ids = [0, 4, 8, 15, 16, 23, 4, 8];
        double cost = 0;
        network.Prime([]);
        for (int i = 0; i < ids.Length - 1; i++)
        {
            network.Step(ids[i]);
            var logits = network.Logits.Select(l => (double)l).ToArray();
            double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
            cost += Math.Log(sum) - (logits[ids[i + 1]] - max);
        }
        double windowCost = network.Train(ids[..^1], ids[1..], 0f);
        Assert.Equal(windowCost, cost, 4);
    }

    [Fact]
    public void Step_refuses_to_run_past_the_context()
    {
        var network = new AdaptiveTransformer(TinyNetwork(1), 1);
        network.Prime(new int[12]);
        Assert.Throws<InvalidOperationException>(() => network.Step(1));
    }
}

public class NetworkWeightsTests
{
    [Fact]
    public void Shipped_weights_match_the_bundle_shape()
    {
        var bundle = LmzModelBundle.Default;
        Assert.True(bundle.HasNetworkWeights);
        var w = bundle.Files.NetworkWeights;
        Assert.Equal(bundle.Files.Tokenizer.VocabSize, w.Vocab);
        Assert.Equal(5_313_024, w.Values.Length);
    }

    [Fact]
    public void Load_rejects_a_file_without_the_header()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[64]);
            var e = Assert.Throws<InvalidDataException>(() => NetworkWeights.Load(path));
            Assert.Contains("LMZW", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Load_rejects_a_truncated_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            var source = File.ReadAllBytes(Path.Combine(LmzModelBundle.Default.Directory, NetworkWeights.FileName));
            File.WriteAllBytes(path, source[..^2]);
            var e = Assert.Throws<InvalidDataException>(() => NetworkWeights.Load(path));
            Assert.Contains("expected", e.Message);
        }
        finally { File.Delete(path); }
    }
}

public class LearningSettingsTests
{
    private static LmzModelBundle TokenizerBundle(TempDir dir, string? learningJson)
    {
        File.Copy(Path.Combine(LmzModelBundle.Default.Directory, LmzModelBundle.TokenizerFile), dir.File(LmzModelBundle.TokenizerFile));
        if (learningJson != null) File.WriteAllText(dir.File(LmzModelBundle.LearningFile), learningJson);
        return LmzModelBundle.Load(dir.Path);
    }

    [Fact]
    public void A_bundle_learns_at_the_rate_of_its_learning_json_which_joins_its_fingerprint()
    {
        using var plainDir = new TempDir();
        using var tunedDir = new TempDir();
        using var plain = TokenizerBundle(plainDir, null);
        using var tuned = TokenizerBundle(tunedDir, """{"rate": 0.002}""");
        Assert.Equal(0.005f, plain.Files.Learning.Rate);
        Assert.Equal(0.002f, tuned.Files.Learning.Rate);
        Assert.NotEqual(plain.FingerprintHex, tuned.FingerprintHex);
    }

    [Fact]
    public void The_shipped_bundles_learn_at_the_rates_they_were_tuned_for()
    {
        Assert.Equal(0.002f, LmzModelBundle.Default.Files.Learning.Rate);
        using var stage5 = LmzModelBundle.Load(Path.Combine(Repo.Root, "models", "lm-stage5"));
        Assert.Equal(0.002f, stage5.Files.Learning.Rate);
        Assert.Equal("73779bec2a6f0c4adc27beee576eb2df", stage5.FingerprintHex);
        using var stage4 = LmzModelBundle.Load(Path.Combine(Repo.Root, "models", "lm-stage4"));
        Assert.Equal(0.005f, stage4.Files.Learning.Rate);
    }

    [Theory]
    [InlineData("""{"rate": 0}""")]
    [InlineData("""{"rate": -0.01}""")]
    [InlineData("""{"rate": 2}""")]
    [InlineData("""{"rate": "0.002"}""")]
    [InlineData("""{"step": 0.002}""")]
    [InlineData("[0.002]")]
    [InlineData("""{"rate": 0.002""")]
    [InlineData("")]
    public void A_bad_learning_json_is_refused_naming_the_file(string json)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => TokenizerBundle(dir, json));
        Assert.Contains(LmzModelBundle.LearningFile, e.Message);
    }
}

public class LearningLevelTests
{
    private static readonly Lazy<byte[]> Sample = new(() => Repo.Alice[..6000]);

    private static readonly Lazy<byte[]> TwoThreads = new(() =>
        LmzCompressor.Compress(Sample.Value, new LmzCompressionOptions { Level = 9, Threads = 2 }));

    [Fact]
    public void Level_9_round_trips_with_the_learning_network()
    {
        var packed = TwoThreads.Value;
        Assert.Equal(Sample.Value, LmzCompressor.Decompress(packed, new LmzDecompressionOptions { Threads = 1 }));
        var info = LmzContainerInfo.Read(new MemoryStream(packed));
        Assert.Equal(9, info.Level);
    }

    [Fact]
    public void Level_9_output_does_not_depend_on_the_thread_count() =>
        Bytes.Equal(TwoThreads.Value, LmzCompressor.Compress(Sample.Value, new LmzCompressionOptions { Level = 9, Threads = 1 }));

    [Fact]
    public void Level_9_codes_smaller_than_level_7()
    {
        // 6,000 bytes are about 1,800 tokens: fourteen SGD steps
        var seven = LmzCompressor.Compress(Sample.Value, new LmzCompressionOptions { Level = 7, Threads = 2 });
        Assert.True(TwoThreads.Value.Length < seven.Length, $"level 9 {TwoThreads.Value.Length} bytes, level 7 {seven.Length}");
    }
}
