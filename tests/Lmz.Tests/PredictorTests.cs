using Lmz.Coding;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Tokens;

namespace Lmz.Tests;

/// <summary>
/// The online predictors, measured through <see cref="TokenEnsemble"/> (the shape the coder uses).
/// An n-gram "alone" is its own distribution: the order-0 base it stands on plus its boosts, mixed
/// with fixed unit weights and no bias head, so the ensemble's table is exactly the n-gram's blend.
/// </summary>
public class PredictorTests(ITestOutputHelper output)
{
    private const int Vocab = 8192;

    private static readonly MixerSettings Fixed = new() { InitialWeight = 2.0, WeightRate = 0, BiasRate = 0 };

    private static int[] Tokens(ReadOnlySpan<byte> text)
    {
        var ids = new List<int>();
        LmzModelBundle.Default.Files.Tokenizer.Encode(text, ids);
        return [.. ids];
    }

    private static TokenEnsemble NGramAlone(int order) => new(Vocab, [new OrderZeroModel(Vocab), new TokenNGramModel(Vocab, order)], Fixed);

    /// <summary>Ideal cost in bits of coding <paramref name="tokens"/> with the ensemble's tables, learning as it goes.</summary>
    private static double CodeAndLearn(TokenEnsemble ensemble, int[] tokens)
    {
        double bits = 0;
        foreach (int t in tokens)
        {
            var table = ensemble.Predict();
            bits -= Math.Log2(table.Frequency(t) / (double)FrequencyTable.Total);
            ensemble.Update(t);
        }
        return bits;
    }

    [Fact]
    public void NGram_codes_a_repeated_phrase_much_more_cheaply_the_second_time()
    {
        var phrase = Tokens("The quick brown fox jumps over the lazy dog, while seventeen purple zebras quietly debate philosophy.\n"u8);
        var model = NGramAlone(4);
        double first = CodeAndLearn(model, phrase);
        double second = CodeAndLearn(model, phrase);
        double third = CodeAndLearn(model, phrase);
        Assert.True(second < first * 0.25, $"first pass {first:F1} bits, second {second:F1} bits");
        Assert.True(third <= second, $"second pass {second:F1} bits, third {third:F1} bits");
    }

    [Fact]
    public void NGram_learns_a_deterministic_successor_within_a_few_repetitions()
    {
        var model = NGramAlone(3);
        int[] cycle = [1000, 2000, 3000];
        for (int i = 0; i < 20; i++) CodeAndLearn(model, cycle);
        CodeAndLearn(model, [1000, 2000]);
        var table = model.Predict();
        double bits = -Math.Log2(table.Frequency(3000) / (double)FrequencyTable.Total);
        Assert.True(bits < 0.5, $"3000 after 1000 2000 costs {bits:F3} bits");
    }

    [Fact]
    public void Predictor_scores_are_finite_from_the_first_token()
    {
        ITokenPredictor[] predictors = [new OrderZeroModel(Vocab), new TokenNGramModel(Vocab, 5)];
        var scores = new TokenScores(Vocab);
        foreach (int t in Tokens("abc abc abc\n"u8).Concat([0, 8191, 0, 8191]))
        {
            foreach (var p in predictors)
            {
                p.Predict(scores);
                if (scores.IsDense) Assert.All(scores.DenseValues.ToArray(), s => Assert.True(float.IsFinite(s), $"score {s}"));
                for (int i = 0; i < scores.SparseCount; i++)
                {
                    Assert.True(float.IsFinite(scores.SparseValues[i]), $"sparse score {scores.SparseValues[i]}");
                    Assert.InRange(scores.SparseTokens[i], 0, Vocab - 1);
                }
            }
            foreach (var p in predictors) p.Update(t);
        }
    }

    [Fact]
    public void Mixed_pair_of_ngrams_with_bias_codes_alice_in_fewer_bits_than_either_ngram_alone()
    {
        var tokens = Tokens(Repo.Alice);
        var factories = new Func<TokenEnsemble>[]
        {
            () => new TokenEnsemble(Vocab, [new OrderZeroModel(Vocab), new TokenNGramModel(Vocab, 2), new TokenNGramModel(Vocab, 5)], new MixerSettings()),
            () => NGramAlone(2),
            () => NGramAlone(5),
        };
        // Three independent streams of the same tokens, each with its own ensemble, coded in parallel.
        var payloads = TokenStreamCoder.Encode([tokens, tokens, tokens], s => factories[s](), threads: 2, CancellationToken.None);
        long mixed = payloads[0].Length * 8L, order2 = payloads[1].Length * 8L, order5 = payloads[2].Length * 8L;
        output.WriteLine($"alice29.txt: mixed {mixed} bits, order-2 alone {order2}, order-5 alone {order5}");
        Assert.True(mixed < order2 && mixed < order5, $"mixed {mixed} bits, order-2 alone {order2}, order-5 alone {order5}");
        // Sanity: English text under these models is well below 3 bits per byte.
        Assert.True(mixed < Repo.Alice.Length * 3.0, $"{mixed * 1.0 / Repo.Alice.Length:F3} bits per byte");
    }

    [Fact]
    public void Level_ensembles_decode_their_own_payloads()
    {
        var tokens = Tokens(Repo.Alice.AsSpan(0, 6000));
        foreach (int level in new[] { 1, 3 })
        {
            var payloads = TokenStreamCoder.Encode([tokens, tokens[..100], []], s => TokenCoderFactory.Create(LevelProfile.For(level).Tokens, Vocab, null), threads: 2, CancellationToken.None);
            var decoded = TokenStreamCoder.Decode(payloads, [tokens.Length, 100, 0], s => TokenCoderFactory.Create(LevelProfile.For(level).Tokens, Vocab, null), threads: 2, CancellationToken.None);
            Assert.Equal(tokens, decoded[0]);
            Assert.Equal(tokens[..100], decoded[1]);
            Assert.Empty(decoded[2]);
        }
    }

    [Fact]
    public void Mixer_moves_weight_toward_the_better_predictor()
    {
        // Input 0 always puts the coded token first; input 1 is uninformative.
        var mixer = new GeometricMixer(16, inputs: 2, weightSets: 1, initialWeight: 0.5, weightRate: 0.05, biasRate: 0);
        var rng = new Random(1);
        var good = new TokenScores(16);
        var flat = new TokenScores(16);
        flat.BeginDense().Clear();
        for (int step = 0; step < 300; step++)
        {
            int token = rng.Next(16);
            var g = good.BeginDense();
            g.Fill(-5f);
            g[token] = 0;
            mixer.Mix([good, flat], 0);
            mixer.Update([good, flat], token);
        }
        var w = mixer.Weights(0);
        Assert.True(w[0] > 0.5 && w[0] > w[1] + 0.3, $"weights {w[0]:F3}, {w[1]:F3}");
        mixer.Mix([good, flat], 0);
        Assert.Equal(mixer.Sum, mixer.Probabilities.Sum(), 9);
    }
}
