namespace Lmz.Models.Bits;

/// <summary>
/// The Nesting context of code and markup: the innermost open bracket ( [ or { and the nesting
/// depth, with byte −1. Closing a bracket that is not open is ignored.
/// </summary>
internal sealed class NestingContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.Nesting;

    private const int MaxNesting = 64; // deeper brackets share the innermost tracked one
    private readonly byte[] _brackets = new byte[MaxNesting]; // open brackets, innermost last
    private int _depth;

    public NestingContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    public override void ByteDone(byte value)
    {
        if (value is (byte)'(' or (byte)'[' or (byte)'{')
        {
            if (_depth < MaxNesting) _brackets[_depth] = value;
            _depth++;
        }
        else if (value is (byte)')' or (byte)']' or (byte)'}' && _depth > 0) _depth--;
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        int c1 = Bytes.Byte(1);
        ulong context = (ulong)(_depth == 0 ? 0 : _brackets[Math.Min(_depth, MaxNesting) - 1]) << 16 | (uint)Math.Min(_depth, 31) << 8 | (uint)c1;
        foreach (var (_, index) in Contexts) contexts[index] = context;
    }
}
