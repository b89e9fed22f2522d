namespace Lmz.Models.Bits;

/// <summary>
/// Contexts of single older bytes that skip the nearer ones: fields and samples of 16 and 32 bits,
/// where the byte at the same place of the previous unit says more than the bytes between.
/// </summary>
internal sealed class SparseContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.Skip1 | ByteContexts.Skip1Pair | ByteContexts.Skip3 | ByteContexts.Sparse16;

    public SparseContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    public override void WriteContexts(Span<ulong> contexts)
    {
        int c2 = Bytes.Byte(2), c3 = Bytes.Byte(3), c4 = Bytes.Byte(4);
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind switch
            {
                ByteContexts.Skip1 => (uint)c2,
                ByteContexts.Skip1Pair => (uint)(c2 | c3 << 8),
                ByteContexts.Skip3 => (uint)c4,
                _ => (uint)(c2 | c4 << 8), // Sparse16
            };
        }
    }
}
