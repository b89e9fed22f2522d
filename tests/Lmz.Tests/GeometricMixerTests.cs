using CsCheck;
using Lmz.Core;
using Lmz.Models.Tokens;

namespace Lmz.Tests;

/// <summary>
/// The vectorised mixer against a plain scalar statement of the same arithmetic: every bit of
/// the probabilities, their sum, the top token and the learned weights must agree, for any
/// vocabulary size (lane tails included), 0–2 dense inputs plus sparse ones, and a running bias head.
/// </summary>
public class GeometricMixerTests
{
    /// <summary>The mixer's arithmetic one entry at a time, with pass 2's sums kept in four lanes.</summary>
    private sealed class ScalarMixer(int vocab, int inputs, double initialWeight, double weightRate, double biasRate)
    {
        private readonly double[] _w = Enumerable.Repeat(initialWeight, inputs).ToArray();
        private readonly float[] _bias = new float[vocab];
        private readonly double[] _expectations = new double[inputs];
        private double _pending;

        public double[] P { get; } = new double[vocab];
        public double Sum { get; private set; }
        public int Top { get; private set; }
        public ReadOnlySpan<double> Weights => _w;

        public void Mix(TokenScores[] scores)
        {
            float rate = (float)_pending;
            _pending = 0;
            var dense = Enumerable.Range(0, inputs).Where(j => scores[j].IsDense).ToArray();
            double max = double.NegativeInfinity;
            for (int t = 0; t < vocab; t++)
            {
                float b = _bias[t] - rate * (float)P[t];
                _bias[t] = b;
                double m = b;
                m += (dense.Length > 0 ? _w[dense[0]] : 0) * (dense.Length > 0 ? scores[dense[0]].DenseValues[t] : 0f);
                m += (dense.Length > 1 ? _w[dense[1]] : 0) * (dense.Length > 1 ? scores[dense[1]].DenseValues[t] : 0f);
                P[t] = m;
                if (m > max) max = m;
            }
            for (int j = 0; j < inputs; j++)
            {
                if (scores[j].IsDense) continue;
                for (int i = 0; i < scores[j].SparseCount; i++)
                {
                    int t = scores[j].SparseTokens[i];
                    P[t] += _w[j] * scores[j].SparseValues[i];
                    if (P[t] > max) max = P[t];
                }
            }
            for (int t = 0; t < vocab; t++) P[t] = FixedMath.Exp(P[t] - max);
            var lanes = new double[3, 4];
            double best = -1;
            for (int t = 0; t < vocab; t++)
            {
                lanes[0, t & 3] += P[t];
                for (int d = 0; d < dense.Length; d++) lanes[1 + d, t & 3] += P[t] * scores[dense[d]].DenseValues[t];
                if (P[t] > best) (best, Top) = (P[t], t);
            }
            double Lanes(int r) => (lanes[r, 0] + lanes[r, 1]) + (lanes[r, 2] + lanes[r, 3]);
            Sum = Lanes(0);
            for (int d = 0; d < dense.Length; d++) _expectations[dense[d]] = Lanes(1 + d);
            for (int j = 0; j < inputs; j++)
            {
                if (scores[j].IsDense) continue;
                double acc = 0;
                for (int i = 0; i < scores[j].SparseCount; i++) acc += P[scores[j].SparseTokens[i]] * scores[j].SparseValues[i];
                _expectations[j] = acc;
            }
        }

        public void Update(TokenScores[] scores, int token)
        {
            double inverseSum = 1.0 / Sum;
            for (int j = 0; j < inputs; j++) _w[j] += weightRate * (scores[j].ScoreOf(token) - _expectations[j] * inverseSum);
            _pending = biasRate * inverseSum;
            _bias[token] += (float)biasRate;
        }
    }

    [Fact]
    public void Vectorised_mix_has_the_bits_of_the_scalar_arithmetic()
    {
        var cases = Gen.Select(Gen.Int[1, 70], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 1 << 30]);
        cases.Sample((vocab, denseCount, sparseCount, seed) =>
        {
            var rng = new Random(seed);
            int inputs = denseCount + sparseCount;
            if (inputs == 0) return;
            var mixer = new GeometricMixer(vocab, inputs, weightSets: 1, initialWeight: 0.7, weightRate: 0.01, biasRate: 0.2);
            var reference = new ScalarMixer(vocab, inputs, 0.7, 0.01, 0.2);
            var scores = Enumerable.Range(0, inputs).Select(_ => new TokenScores(vocab)).ToArray();
            for (int step = 0; step < 12; step++)
            {
                for (int j = 0; j < inputs; j++)
                {
                    if (j < denseCount)
                    {
                        var d = scores[j].BeginDense();
                        for (int t = 0; t < vocab; t++) d[t] = (float)(rng.NextDouble() * -30 + (rng.Next(8) == 0 ? 25 : 0));
                        continue;
                    }
                    scores[j].BeginSparse();
                    foreach (int t in Enumerable.Range(0, vocab).OrderBy(_ => rng.Next()).Take(rng.Next(Math.Min(vocab, 6))))
                        scores[j].Add(t, (float)(rng.NextDouble() * 8 - 2));
                }
                mixer.Mix(scores, 0);
                reference.Mix(scores);
                for (int t = 0; t < vocab; t++)
                    Assert.True(BitConverter.DoubleToInt64Bits(mixer.Probabilities[t]) == BitConverter.DoubleToInt64Bits(reference.P[t]),
                        $"vocab {vocab} step {step}: p[{t}] {mixer.Probabilities[t]:R} vs {reference.P[t]:R}");
                Assert.Equal(BitConverter.DoubleToInt64Bits(reference.Sum), BitConverter.DoubleToInt64Bits(mixer.Sum));
                Assert.Equal(reference.Top, mixer.Top);
                int token = rng.Next(vocab);
                mixer.Update(scores, token);
                reference.Update(scores, token);
                Assert.Equal(reference.Weights.ToArray(), mixer.Weights(0).ToArray());
            }
        }, iter: 400);
    }

    [Fact]
    public void Ties_for_the_top_token_go_to_the_lowest_index_in_any_lane()
    {
        // 4 lanes: equal maxima at 6 (lane 2) and 9 (lane 1); the scalar rule picks 6.
        var mixer = new GeometricMixer(13, inputs: 1, weightSets: 1, initialWeight: 1, weightRate: 0, biasRate: 0);
        var scores = new TokenScores(13);
        var d = scores.BeginDense();
        d.Fill(-3);
        d[6] = 2;
        d[9] = 2;
        mixer.Mix([scores], 0);
        Assert.Equal(6, mixer.Top);
    }
}
