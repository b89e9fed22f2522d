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
    private readonly Lock _gate = new();
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
        var spin = new SpinWait();
        while (!Volatile.Read(ref member.Assigned)) spin.SpinOnce(sleep1Threshold: -1);
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
    }
}

/// <summary>A reusable barrier that spins (then yields, never sleeps): phases here last microseconds.</summary>
internal sealed class SpinBarrier
{
    private int _count = 1;
    private int _remaining = 1;
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
            return;
        }
        // Pure spinning while the wait is short (a phase lasts microseconds; SpinWait's yields
        // measured 2x slower), yielding once it is long (more members than cores).
        for (int spins = 0; _sense != localSense; spins++)
        {
            if (spins < 2000) Thread.SpinWait(4);
            else Thread.Yield();
        }
    }
}
