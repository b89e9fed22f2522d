using CsCheck;
using Lmz.Models.Tokens;

namespace Lmz.Tests;

/// <summary>The hidden-state adapter: exact against a scalar statement, learning in the right direction, silent without a network.</summary>
public class HiddenStateAdapterTests
{
    [Fact]
    public void Correction_has_the_bits_of_the_scalar_arithmetic()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 5], Gen.Int[0, 1 << 30]).Sample((vocab, rank, seed) =>
        {
            const int hiddenSize = 12;
            var rng = new Random(seed);
            var adapter = new HiddenStateAdapter(vocab, hiddenSize, rank, rate: 0.2);
            var planes = new float[rank, vocab];
            var zPrevious = new float[rank];
            float pending = 0;
            var correction = new float[vocab];
            for (int step = 0; step < 10; step++)
            {
                var hidden = Enumerable.Range(0, hiddenSize).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
                var previous = Enumerable.Range(0, vocab).Select(_ => rng.NextDouble() * (rng.Next(4) == 0 ? 1e-30 : 1)).ToArray();
                adapter.Correction(hidden, previous, correction);

                var z = adapter.Context.ToArray();
                Assert.Equal(1.0, z.Sum(x => (double)x * x), 5);
                for (int t = 0; t < vocab; t++)
                {
                    float old = (float)previous[t], sum = 0;
                    for (int r = 0; r < rank; r++)
                    {
                        planes[r, t] -= pending * zPrevious[r] * old;
                        sum += planes[r, t] * z[r];
                    }
                    Assert.Equal(BitConverter.SingleToInt32Bits(sum), BitConverter.SingleToInt32Bits(correction[t]));
                }
                int token = rng.Next(vocab);
                double inverseSum = 1 / previous.Sum();
                adapter.Learn(token, inverseSum);
                for (int r = 0; r < rank; r++) planes[r, token] += 0.2f * z[r];
                pending = (float)(0.2 * inverseSum);
                z.CopyTo(zPrevious, 0);
            }
        }, iter: 300);
    }

    [Fact]
    public void A_token_seen_in_one_context_gains_there_and_not_in_the_opposite_one()
    {
        const int vocab = 50;
        var adapter = new HiddenStateAdapter(vocab, hiddenSize: 16, rank: 4, rate: 0.2);
        var context = Enumerable.Range(0, 16).Select(d => d % 3 == 0 ? 1f : -0.5f).ToArray();
        var opposite = context.Select(x => -x).ToArray();
        var uniform = Enumerable.Repeat(1.0, vocab).ToArray();
        var correction = new float[vocab];
        for (int step = 0; step < 20; step++)
        {
            adapter.Correction(context, uniform, correction);
            adapter.Learn(7, 1.0 / vocab);
        }
        adapter.Correction(context, uniform, correction);
        Assert.True(correction[7] > 0.5f, $"δ(7) = {correction[7]} in the learned context");
        Assert.True(correction.Where((_, t) => t != 7).All(c => c < 0), "every other token lost a little");
        adapter.Correction(opposite, new double[vocab], correction); // zero probabilities: the pending step changes nothing
        Assert.True(correction[7] < -0.5f, $"δ(7) = {correction[7]} in the opposite context");
    }

    [Fact]
    public void Without_a_hidden_state_the_correction_is_zero()
    {
        var adapter = new HiddenStateAdapter(10, hiddenSize: 4, rank: 2, rate: 0.2);
        var correction = new float[10];
        adapter.Correction([1, 2, 3, 4], Enumerable.Repeat(0.1, 10).ToArray(), correction);
        adapter.Learn(3, 1);
        adapter.Correction(default, Enumerable.Repeat(0.1, 10).ToArray(), correction);
        Assert.All(correction, c => Assert.Equal(0f, c));
        Assert.All(adapter.Context.ToArray(), z => Assert.Equal(0f, z));
        Assert.Throws<ArgumentException>(() => adapter.Correction([1, 2, 3], new double[10], correction));
    }
}
