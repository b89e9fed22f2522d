namespace Lmz.Models.Bits;

/// <summary>
/// Fixed-length records and images, in rows of <see cref="RowLength"/> bytes: the bytes above,
/// around and beside the next one, and 16-bit little-endian samples (even positions hold low
/// bytes). Always tracked: <see cref="PixelModel"/> reads the row length too.
/// </summary>
internal sealed class RecordContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.RecordColumn | ByteContexts.RecordAboveLeft | ByteContexts.RecordNeighbours
        | ByteContexts.Image16Gradient | ByteContexts.Image16Neighbours;

    private readonly RecordLength _record = new();
    private readonly int _hint; // the encoder's row length, 0: the online detection's

    /// <param name="bytes">The coded bytes.</param>
    /// <param name="kinds">The model's enabled contexts.</param>
    /// <param name="hint">Row length chosen by the encoder (<see cref="RecordLength.Detect"/>), or 0.</param>
    public RecordContexts(CodedBytes bytes, ByteContexts[] kinds, int hint)
        : base(bytes, kinds, Owned)
    {
        _hint = hint;
    }

    /// <summary>The row length: the encoder's, else the online detection's (0: none yet).</summary>
    public int RowLength => _hint > 0 ? _hint : _record.Length;

    public override void ByteDone(byte value) => _record.ByteDone(value, Bytes.Position);

    public override void WriteContexts(Span<ulong> contexts)
    {
        int r = RowLength;
        int c1 = Bytes.Byte(1), c2 = Bytes.Byte(2);
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind switch
            {
                ByteContexts.RecordColumn => r == 0 ? 0 : (ulong)r << 16 | (uint)Byte(r) << 8 | (uint)Byte(2 * r),
                ByteContexts.RecordAboveLeft => r == 0 ? 1UL << 40 | (uint)c1 : (ulong)r << 16 | (uint)Byte(r) << 8 | (uint)c1,
                ByteContexts.RecordNeighbours => r < 2 ? 2UL << 40 | (uint)c2 : (ulong)r << 24 | (uint)Byte(r + 1) << 16 | (uint)Byte(r) << 8 | (uint)Byte(r - 1),
                ByteContexts.Image16Gradient => Image16(r, gradient: true),
                _ => Image16(r, gradient: false), // Image16Neighbours
            };
        }
    }

    private int Byte(int back) => Bytes.Byte(back);

    /// <summary>
    /// The contexts of 16-bit samples in rows of <paramref name="r"/> bytes. The gradient context
    /// predicts the sample as left + above − above-left: for a low byte its top 13 bits, for a high
    /// byte the high byte that the known low byte leaves, with the sample above. The other context
    /// takes the left and above samples.
    /// </summary>
    private ulong Image16(int r, bool gradient)
    {
        int odd = Bytes.Position & 1;
        if (r < 4 || (r & 1) != 0) return (ulong)(odd + 1) << 40;
        int Sample(int k) => odd == 0 ? Byte(k) | Byte(k - 1) << 8 : Byte(k + 1) | Byte(k) << 8;
        int w = Sample(2), n = Sample(r), nw = Sample(r + 2);
        int p = Math.Clamp(w + n - nw, 0, 65535);
        if (odd == 0) return gradient ? (ulong)(p >> 3) : (ulong)(w >> 5) << 16 | (uint)(n >> 5) | 1UL << 32;
        int low = Byte(1);
        return gradient
            ? (ulong)Math.Clamp((p - low + 128) >> 8, 0, 255) << 8 | (uint)(n >> 8) | 2UL << 32
            : (ulong)(w >> 8) << 16 | (uint)(n >> 8) << 8 | (uint)(low >> 5) | 3UL << 32;
    }
}
