using Lmz.Coding;
using Lmz.Modeling;

namespace Lmz.Tests;

public class PredictorTests
{
    private const int Vocab = 8192;

    private static int[] Tokens(ReadOnlySpan<byte> text)
    {
        var ids = new List<int>();
        LmzModelBundle.Default.Tokenizer.Encode(text, ids);
        return [.. ids];
    }

    /// <summary>Cost in bits of coding <paramref name="token"/> under the predictor's scores, via a 24-bit table.</summary>
    private static double CostBits(float[] scores, int token)
    {
        double max = scores.Max();
        var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
        var table = new FrequencyTable(weights.Length);
        table.Build(weights, weights.Sum());
        return -Math.Log2(table.Frequency(token) / (double)FrequencyTable.Total);
    }

    private static double CodeAndLearn(ITokenPredictor predictor, int[] tokens)
    {
        var scores = new float[Vocab];
        double bits = 0;
        foreach (int t in tokens)
        {
            predictor.Predict(scores);
            bits += CostBits(scores, t);
            predictor.Update(t);
        }
        return bits;
    }

    [Fact]
    public void NGram_codes_a_repeated_phrase_much_more_cheaply_the_second_time()
    {
        var phrase = Tokens("The quick brown fox jumps over the lazy dog, while seventeen purple zebras quietly debate philosophy.\n"u8);
        var model = new TokenNGramModel(Vocab, 4);
        double first = CodeAndLearn(model, phrase);
        double second = CodeAndLearn(model, phrase);
        double third = CodeAndLearn(model, phrase);
        Assert.True(second < first * 0.25, $"first pass {first:F1} bits, second {second:F1} bits");
        Assert.True(third <= second, $"second pass {second:F1} bits, third {third:F1} bits");
    }

    [Fact]
    public void NGram_scores_are_finite_from_the_first_token()
    {
        var model = new TokenNGramModel(Vocab, 5);
        var scores = new float[Vocab];
        foreach (int t in Tokens("abc abc abc\n"u8).Concat([0, 8191, 0, 8191]))
        {
            model.Predict(scores);
            Assert.All(scores, s => Assert.True(float.IsFinite(s), $"score {s}"));
            model.Update(t);
        }
    }

    [Fact]
    public void NGram_learns_a_deterministic_successor_within_a_few_repetitions()
    {
        var model = new TokenNGramModel(Vocab, 3);
        var scores = new float[Vocab];
        // The contract: Predict, then Update with the coded token.
        void Step(int token) { model.Predict(scores); model.Update(token); }
        for (int i = 0; i < 20; i++) { Step(1000); Step(2000); Step(3000); }
        Step(1000);
        Step(2000);
        model.Predict(scores);
        Assert.Equal(3000, Array.IndexOf(scores, scores.Max()));
        Assert.True(CostBits(scores, 3000) < 0.5, $"cost {CostBits(scores, 3000):F3} bits");
        Assert.Equal(3, model.LastMatchedOrder);
    }

    [Fact]
    public void Mixed_pair_of_ngrams_with_bias_codes_alice_in_fewer_bits_than_either_ngram_alone()
    {
        var tokens = Tokens(Repo.Alice);
        var settings = new MixerSettings();
        var noBias = settings with { BiasRate = 0 };
        var factories = new Func<TokenEnsemble>[]
        {
            () => new TokenEnsemble(Vocab, [new TokenNGramModel(Vocab, 2), new TokenNGramModel(Vocab, 5)], settings),
            () => new TokenEnsemble(Vocab, [new TokenNGramModel(Vocab, 2)], noBias),
            () => new TokenEnsemble(Vocab, [new TokenNGramModel(Vocab, 5)], noBias),
        };
        // Three independent streams of the same tokens, each with its own ensemble, coded in parallel.
        var payloads = TokenStreamCoder.Encode([tokens, tokens, tokens], s => factories[s](), null, threads: 2, CancellationToken.None);
        long mixed = payloads[0].Length * 8L, order2 = payloads[1].Length * 8L, order5 = payloads[2].Length * 8L;
        Assert.True(mixed < order2 && mixed < order5, $"mixed {mixed} bits, order-2 alone {order2}, order-5 alone {order5}");
        // Sanity: English text under an order-5 n-gram should be well below 3.5 bits per byte.
        Assert.True(mixed < Repo.Alice.Length * 3.5, $"{mixed * 1.0 / Repo.Alice.Length:F3} bits per byte");
    }

    [Fact]
    public void Ensemble_payloads_decode_back_to_the_tokens()
    {
        var tokens = Tokens(Repo.Alice.AsSpan(0, 6000));
        TokenEnsemble Create(int s) => new(Vocab, [new TokenNGramModel(Vocab, 2), new TokenNGramModel(Vocab, 4)], new MixerSettings());
        var payloads = TokenStreamCoder.Encode([tokens, tokens[..100], []], Create, null, threads: 2, CancellationToken.None);
        var decoded = TokenStreamCoder.Decode(payloads, [tokens.Length, 100, 0], Create, null, threads: 2, CancellationToken.None);
        Assert.Equal(tokens, decoded[0]);
        Assert.Equal(tokens[..100], decoded[1]);
        Assert.Empty(decoded[2]);
    }

    [Fact]
    public void Mixer_moves_weight_toward_the_better_predictor()
    {
        // Input 0 always puts the coded token first; input 1 is uninformative.
        var mixer = new GeometricMixer(16, inputs: 2, weightSets: 1, initialWeight: 0.5, weightRate: 0.05, biasRate: 0);
        var rng = new Random(1);
        var good = new float[16];
        var flat = new float[16];
        for (int step = 0; step < 300; step++)
        {
            int token = rng.Next(16);
            Array.Fill(good, -5f);
            good[token] = 0;
            mixer.Mix([good, flat], 0);
            mixer.Update([good, flat], token);
        }
        var w = mixer.Weights(0);
        Assert.True(w[0] > 0.5 && w[0] > w[1] + 0.3, $"weights {w[0]:F3}, {w[1]:F3}");
        mixer.Mix([good, flat], 0);
        double sum = mixer.Probabilities.Sum();
        Assert.Equal(mixer.Sum, sum, 9);
    }
}
