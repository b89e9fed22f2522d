using Lmz.Formats;
namespace Lmz.Tests;

public class ThreadBudgetTests
{
    private const long MiB = 1 << 20;

    [Fact]
    public void A_large_memory_keeps_every_requested_thread()
    {
        Assert.Equal(16, ThreadBudget.Fit(6, 16, MiB, 24L << 30));
        Assert.Equal(2, ThreadBudget.Fit(9, 2, 16 * MiB, 24L << 30));
    }

    [Fact]
    public void A_small_memory_lowers_the_threads_to_what_fits_and_never_below_one()
    {
        int fitted = ThreadBudget.Fit(6, 16, MiB, 1L << 30);

        Assert.InRange(fitted, 1, 15);
        Assert.True(ThreadBudget.PeakBytes(6, fitted, MiB) <= 1L << 30);
        Assert.True(ThreadBudget.PeakBytes(6, fitted + 1, MiB) > 1L << 30);
        Assert.Equal(1, ThreadBudget.Fit(6, 16, MiB, 100 * MiB));
    }

    [Fact]
    public void Threads_past_the_group_size_cost_no_more_memory()
    {
        Assert.Equal(ThreadBudget.PeakBytes(6, 8, MiB), ThreadBudget.PeakBytes(6, 64, MiB));
        Assert.True(ThreadBudget.PeakBytes(6, 2, MiB) < ThreadBudget.PeakBytes(6, 8, MiB));
    }

    [Fact]
    public void Higher_levels_and_longer_chunks_need_more_memory_per_thread()
    {
        Assert.True(ThreadBudget.PeakBytes(1, 8, MiB) < ThreadBudget.PeakBytes(6, 8, MiB));
        Assert.True(ThreadBudget.PeakBytes(6, 8, MiB) < ThreadBudget.PeakBytes(6, 8, 16 * MiB));
    }
}
