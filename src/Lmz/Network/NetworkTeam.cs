namespace Lmz.Network;

/// <summary>
/// The native streams of one coding run, stepped together. At batch 1 a step is bound by reading
/// the weights (5 MB, more than a core's L2) from memory, so the streams' threads gather their
/// tokens, then share one pass: each thread takes a contiguous part of every weight matrix (which
/// thus mostly stays in its L2) for all rows, and a share of the rows for the per-row work. Every
/// row's integers are the same whatever the batch holds, so this changes speed, never bits.
/// Members join when their stream starts and leave when it ends; a step waits only for members
/// that have joined, and a leaving member releases the others.
/// </summary>
internal sealed class NetworkTeam
{
    private readonly object _gate = new(); // a monitor: members that stop spinning wait on it
    private readonly List<NativeIntegerEngine> _members = [];
    private readonly List<NativeIntegerEngine> _pending = [];
    private readonly List<NativeIntegerEngine> _batch = []; // reused: every member of the last batch has left it
    private readonly SpinBarrier _barrier = new();

    public NetworkTeam(IntegerNetworkWeights weights, KernelPath path)
    {
        if (!Int8Kernels.IsSupported(path)) throw new PlatformNotSupportedException($"kernel path {path} is not supported on this CPU");
        Forward = new IntegerForward(weights, path);
    }

    public IntegerForward Forward { get; }

    public void Join(NativeIntegerEngine member)
    {
        lock (_gate) _members.Add(member);
    }

    public void Leave(NativeIntegerEngine member)
    {
        lock (_gate)
        {
            _members.Remove(member);
            if (_pending.Count > 0 && _pending.Count == _members.Count) StartBatch();
        }
    }

    /// <summary>Called by a member with its tokens pending: returns when its outputs are written.</summary>
    public void Step(NativeIntegerEngine member)
    {
        member.Assigned = false;
        lock (_gate)
        {
            _pending.Add(member);
            if (_pending.Count == _members.Count) StartBatch();
        }
        if (!SpinUntil(ref member.Assigned))
        {
            lock (_gate)
                while (!member.Assigned) Monitor.Wait(_gate);
        }
        Forward.Run(_batch, member.MemberIndex, _barrier, ref member.BarrierSense);
    }

    private void StartBatch()
    {
        // Members in join order: any order gives the same bits; a stable one keeps each thread's
        // share of the weights the same from step to step.
        _batch.Clear();
        foreach (var m in _members) if (_pending.Contains(m)) _batch.Add(m);
        _pending.Clear();
        _barrier.Reset(_batch.Count);
        for (int i = 0; i < _batch.Count; i++)
        {
            _batch[i].MemberIndex = i;
            _batch[i].BarrierSense = _barrier.Sense;
            Volatile.Write(ref _batch[i].Assigned, true);
        }
        Monitor.PulseAll(_gate); // members that stopped spinning wait on the gate (we hold it)
    }

    /// <summary>
    /// Spins while a wait is short (a phase lasts microseconds, and yielding measured 2x slower);
    /// false once it is not, so the caller blocks and gives the core to the thread it waits for
    /// (more threads than free cores: other processes, or -T above the core count).
    /// </summary>
    internal static bool SpinUntil(ref bool flag)
    {
        for (int spins = 0; spins < SpinLimit; spins++)
        {
            if (Volatile.Read(ref flag)) return true;
            Thread.SpinWait(4);
        }
        return Volatile.Read(ref flag);
    }

    /// <summary>About 20–50 µs of spinning before a waiter blocks.</summary>
    internal const int SpinLimit = 300;
}


/// <summary>A reusable barrier that spins briefly, then blocks: phases here last microseconds.</summary>
internal sealed class SpinBarrier
{
    private readonly object _gate = new();
    private int _count = 1;
    private int _remaining = 1;
    private int _sleepers;
    private volatile int _sense;

    public int Sense => _sense;

    /// <summary>Only while no thread is inside <see cref="SignalAndWait"/>.</summary>
    public void Reset(int count) => (_count, _remaining) = (count, count);

    public void SignalAndWait(ref int localSense)
    {
        localSense ^= 1;
        if (_count == 1) { _sense = localSense; return; }
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _remaining = _count;
            _sense = localSense;
            Interlocked.MemoryBarrier(); // the sense before the sleeper count (a waiter does the reverse)
            if (Volatile.Read(ref _sleepers) > 0)
                lock (_gate) Monitor.PulseAll(_gate);
            return;
        }
        for (int spins = 0; spins < NetworkTeam.SpinLimit; spins++)
        {
            if (_sense == localSense) return;
            Thread.SpinWait(4);
        }
        lock (_gate)
        {
            Interlocked.Increment(ref _sleepers);
            while (_sense != localSense) Monitor.Wait(_gate);
            Interlocked.Decrement(ref _sleepers);
        }
    }
}
