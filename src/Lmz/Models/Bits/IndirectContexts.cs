namespace Lmz.Models.Bits;

/// <summary>
/// Indirect contexts: byte −1 (or bytes −2 and −1) with the two bytes that followed its last two
/// occurrences before, which predict what follows it again one step removed.
/// </summary>
internal sealed class IndirectContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.Indirect1 | ByteContexts.Indirect2;

    private readonly ushort[]? _follow1, _follow2; // per order-1 / order-2 context: the two bytes that followed it last

    public IndirectContexts(CodedBytes bytes, ByteContexts[] kinds)
        : base(bytes, kinds, Owned)
    {
        if (kinds.Contains(ByteContexts.Indirect1)) _follow1 = new ushort[1 << 8];
        if (kinds.Contains(ByteContexts.Indirect2)) _follow2 = new ushort[1 << 16];
    }

    /// <summary>Notes <paramref name="value"/> as what followed the order-1 and order-2 contexts before it.</summary>
    public override void ByteDone(byte value)
    {
        int b2 = Bytes.Byte(2), b3 = Bytes.Byte(3);
        if (_follow1 != null) _follow1[b2] = (ushort)(_follow1[b2] << 8 | value);
        if (_follow2 != null) _follow2[b3 << 8 | b2] = (ushort)(_follow2[b3 << 8 | b2] << 8 | value);
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        int c1 = Bytes.Byte(1), c2 = Bytes.Byte(2);
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind == ByteContexts.Indirect1
                ? (ulong)c1 << 16 | _follow1![c1]
                : (ulong)(c2 << 8 | c1) << 16 | _follow2![c2 << 8 | c1];
        }
    }
}
