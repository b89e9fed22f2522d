using System.Runtime.Intrinsics.X86;
using Lmz.Core;

namespace Lmz.Models.Bits;

/// <summary>
/// An APM/SSE stage: refines a probability given a context. The input's stretch is cut into 32
/// intervals; each context keeps 33 knots of 16-bit probabilities, the output interpolates the two
/// knots around the input, and both knots move towards the coded bit, each by its share.
/// </summary>
internal sealed class BitApm
{
    // Knot j of a context is kept as its offset from the identity, modulo 2^16: a new table of
    // zeros is every context at the identity, with nothing to fill in at the start of each stream
    // (docs/decisions/byte-model.md, "Memory").
    private readonly ushort[] _offsets;

    // Every context starts as the identity: knot j holds squash((j − 16)·128) in 16 bits.
    private static readonly ushort[] Identity = [.. Enumerable.Range(0, 33).Select(j => (ushort)(Logistic.Squash((j - 16) * 128) * 16))];
    private readonly int _rateShift;
    private int _index, _low, _weight;

    public BitApm(int contexts, int rateShift = 7)
    {
        _offsets = new ushort[contexts * 33];
        _rateShift = rateShift;
    }

    private int Knot(int i, int j) => (ushort)(_offsets[i] + Identity[j]);

    /// <summary>The refined 12-bit p(1) of input <paramref name="p"/> (12 bits) in <paramref name="context"/>.</summary>
    public int Refine(int p, int context)
    {
        int s = Logistic.Stretch(p) + 2048; // 1..4095
        int low = _low = s >> 7;
        _weight = s & 127;
        _index = context * 33 + low;
        return (Knot(_index, low) * (128 - _weight) + Knot(_index + 1, low + 1) * _weight) >> 11;
    }

    /// <summary>Asks the memory system for <paramref name="context"/>'s knots ahead of <see cref="Refine"/> (a hint: no effect on the result).</summary>
    public unsafe void Prefetch(int context)
    {
        if (!Sse.IsSupported) return;
        fixed (ushort* row = &_offsets[context * 33])
        {
            Sse.Prefetch0(row);
            Sse.Prefetch0((byte*)row + 65);
        }
    }

    public void Update(int bit)
    {
        int target = (bit << 16) - bit; // 0 or 65535
        Move(_index, _low, target, 128 - _weight);
        Move(_index + 1, _low + 1, target, _weight);
    }

    private void Move(int i, int j, int target, int share)
    {
        int k = Knot(i, j);
        _offsets[i] = (ushort)(k + ((target - k) * share >> (_rateShift + 7)) - Identity[j]);
    }
}
