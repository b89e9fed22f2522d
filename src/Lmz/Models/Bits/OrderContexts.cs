namespace Lmz.Models.Bits;

/// <summary>
/// The order-n contexts: the last n bytes, for n = 1…6 exactly and for 8, 12, 16 and 24 as a
/// hash that folds the older bytes into the order-6 context, nearest first.
/// </summary>
internal sealed class OrderContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.Order1 | ByteContexts.Order2 | ByteContexts.Order3 | ByteContexts.Order4
        | ByteContexts.Order5 | ByteContexts.Order6 | ByteContexts.HighOrders;

    private readonly bool _highOrders; // a context of order 8 or more is on

    public OrderContexts(CodedBytes bytes, ByteContexts[] kinds)
        : base(bytes, kinds, Owned)
    {
        _highOrders = Contexts.Any(x => (x.Kind & ByteContexts.HighOrders) != 0);
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        ulong last6 = 0;
        for (int k = 6; k >= 1; k--) last6 = last6 << 8 | (uint)Bytes.Byte(k);
        ulong x8 = 0, x12 = 0, x16 = 0, x24 = 0;
        if (_highOrders)
        {
            ulong x = last6;
            for (int k = 7; k <= 24; k++)
            {
                x = x * 0x9E3779B97F4A7C15UL + (uint)Bytes.Byte(k) + 1;
                if (k == 8) x8 = x;
                else if (k == 12) x12 = x;
                else if (k == 16) x16 = x;
            }
            x24 = x;
        }
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind switch
            {
                ByteContexts.Order1 => last6 & 0xFF,
                ByteContexts.Order2 => last6 & 0xFFFF,
                ByteContexts.Order3 => last6 & 0xFFFFFF,
                ByteContexts.Order4 => last6 & 0xFFFFFFFF,
                ByteContexts.Order5 => last6 & 0xFFFFFFFFFF,
                ByteContexts.Order6 => last6,
                ByteContexts.Order8 => x8,
                ByteContexts.Order12 => x12,
                ByteContexts.Order16 => x16,
                _ => x24,
            };
        }
    }
}
