using System.Collections.Concurrent;
using System.Runtime.Intrinsics.X86;

namespace Lmz.Models.Bits;

/// <summary>
/// A hashed table of bit histories: one 16-byte slot per (context, nibble) holds an 8-bit
/// checksum and the <see cref="BitHistory"/> states of the 15 nodes of the nibble's binary tree.
/// A lookup probes three slots of one 64-byte line; on a miss it takes the one whose first node
/// has seen the fewest bits, so frequent contexts survive collisions.
/// </summary>
internal sealed class ContextSlots : IDisposable
{
    private byte[] _table;
    private readonly int _mask; // slot index mask

    /// <param name="bits">log2 of the table's size in bytes (at least 6).</param>
    public ContextSlots(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 6);
        _table = Tables.Rent(1 << bits);
        _mask = (1 << (bits - 4)) - 1;
    }

    public void Dispose()
    {
        if (_table.Length == 0) return;
        Tables.Return(_table);
        _table = [];
    }

    /// <summary>
    /// Tables reused chunk after chunk (fresh ones left to the GC made memory peak far higher),
    /// held weakly so that a full collection may still take them. A new table comes zeroed from
    /// the GC, which need not write fresh memory, so its pages are touched only where the model
    /// writes; clearing rented tables cost time (docs/decisions/byte-model.md, "Memory").
    /// </summary>
    private static class Tables
    {
        private static readonly ConcurrentBag<WeakReference<byte[]>> Returned = [];

        public static byte[] Rent(int length)
        {
            while (Returned.TryTake(out var weak))
            {
                if (!weak.TryGetTarget(out var table) || table.Length != length) continue;
                Array.Clear(table);
                return table;
            }
            var fresh = new byte[length];
            PageFaults.Prefault(fresh);
            return fresh;
        }

        public static void Return(byte[] table) => Returned.Add(new WeakReference<byte[]>(table));
    }

    public byte[] Table => _table;

    /// <summary>Asks the memory system for <paramref name="hash"/>'s line ahead of <see cref="Find"/> (a hint: no effect on the result).</summary>
    public unsafe void Prefetch(uint hash)
    {
        if (!Sse.IsSupported) return;
        fixed (byte* t = &_table[Line(hash) << 4]) Sse.Prefetch0(t);
    }

    /// <summary>First slot of <paramref name="hash"/>'s 64-byte line (four slots).</summary>
    private int Line(uint hash) => (int)(hash & (uint)_mask) & ~3;

    /// <summary>The offset of the slot for <paramref name="hash"/>; node j (1..15) is at offset + j.</summary>
    public int Find(uint hash)
    {
        byte check = (byte)(hash >> 24);
        int line = Line(hash);
        int first = (int)(hash >> 8) & 3; // start anywhere in the line: fewer clusters
        int victim = -1, fewest = int.MaxValue;
        for (int k = 0; k < 3; k++)
        {
            int offset = (line + ((first + k) & 3)) << 4;
            if (_table[offset] == check) return offset;
            byte s = _table[offset + 1];
            int seen = BitHistory.Zeros(s) + BitHistory.Ones(s);
            if (seen < fewest) (fewest, victim) = (seen, offset);
        }
        _table.AsSpan(victim, 16).Clear();
        _table[victim] = check;
        return victim;
    }
}
