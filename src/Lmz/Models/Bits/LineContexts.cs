namespace Lmz.Models.Bits;

/// <summary>
/// Lines of variable length (text, code, tables): the column, as bytes since the last line feed
/// or NUL, and the byte at the same column of the line before. Always tracked: the column also
/// chooses a mixer weight set (<see cref="ByteModelOptions.ColumnWeightSet"/>).
/// </summary>
internal sealed class LineContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.Column | ByteContexts.Above;

    private int _lineStart;         // position after the last line feed or NUL
    private int _previousLineStart; // the same for the line before

    public LineContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    /// <summary>The next byte's column: bytes since the last line feed or NUL.</summary>
    public int Column => Bytes.Position - _lineStart;

    public override void ByteDone(byte value)
    {
        if (value is (byte)'\n' or 0) (_previousLineStart, _lineStart) = (_lineStart, Bytes.Position);
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        int c1 = Bytes.Byte(1);
        ulong column = (uint)Math.Min(Column, 255) << 8 | (uint)c1;
        foreach (var (kind, index) in Contexts)
            contexts[index] = kind == ByteContexts.Column ? column : (ulong)Above() << 16 | column;
    }

    /// <summary>The byte at the next byte's column in the line before (0 past its end).</summary>
    private int Above()
    {
        int at = _previousLineStart + Column;
        return at < _lineStart ? Bytes[at] : 0;
    }
}
