using Lmz.Coding;
using Lmz.Models.Tokens;

namespace Lmz.Tests;

public sealed class TopTokenApmTests
{
    private static double RefinedProbability(TopTokenApm apm, double top, double sum, int context)
    {
        double weight = apm.Refine(top, sum, context);
        return weight / (sum - top + weight);
    }

    [Fact]
    public void Untrained_map_returns_the_input_probability()
    {
        var apm = new TopTokenApm(4);
        foreach (double p in new[] { 0.01, 0.3, 0.5, 0.9, 0.999 })
            Assert.Equal(p, RefinedProbability(apm, p * 10, 10, 2), 2);
    }

    [Fact]
    public void Learns_that_a_top_token_is_always_right_in_one_context_only()
    {
        var apm = new TopTokenApm(2);
        for (int i = 0; i < 300; i++)
        {
            apm.Refine(5, 10, 0);
            apm.Update(topWasCoded: true);
            apm.Refine(5, 10, 1);
            apm.Update(topWasCoded: false);
        }
        Assert.True(RefinedProbability(apm, 5, 10, 0) > 0.7);
        Assert.True(RefinedProbability(apm, 5, 10, 1) < 0.3);
    }

    [Fact]
    public void Refined_weight_builds_a_complete_table_and_leaves_the_other_weights_alone()
    {
        var weights = new double[] { 1, 6, 2, 1 };
        var apm = new TopTokenApm(1);
        for (int i = 0; i < 50; i++) { apm.Refine(6, 10, 0); apm.Update(false); }
        double refined = apm.Refine(6, 10, 0);
        Assert.True(refined < 6);
        var table = new FrequencyTable(4);
        table.Build(weights, 10 - 6 + refined, 1, refined);
        Assert.Equal(FrequencyTable.Total, table.High(3));
        Assert.Equal(6, weights[1]);
        // Tokens 0 and 3 keep equal frequencies, token 2 about twice theirs.
        Assert.Equal(table.Frequency(0), table.Frequency(3));
        Assert.InRange(table.Frequency(2) / (double)table.Frequency(0), 1.99, 2.01);
    }

    [Fact]
    public void Refine_rejects_a_context_outside_the_map()
    {
        var apm = new TopTokenApm(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => apm.Refine(1, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => apm.Refine(1, 2, -1));
    }
}
