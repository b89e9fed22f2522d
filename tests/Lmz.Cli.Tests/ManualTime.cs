namespace Lmz.Cli.Tests;

/// <summary>A clock that moves only when told: its timers fire on <see cref="Advance"/>, never on their own.</summary>
internal sealed class ManualTime : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(callback, state, _timers);
        _timers.Add(timer);
        return timer;
    }

    /// <summary>Moves the clock on, then fires every live timer once.</summary>
    public void Advance(TimeSpan by)
    {
        _ticks += by.Ticks;
        foreach (var timer in _timers.ToArray()) timer.Fire();
    }

    private sealed class ManualTimer(TimerCallback callback, object? state, List<ManualTimer> live) : ITimer
    {
        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose() => live.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
