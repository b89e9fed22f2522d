namespace Lmz.Models.Bits;

/// <summary>
/// The code contexts (<see cref="ByteContexts.CodeContexts"/>) from <see cref="CodeLayout"/>:
/// indentation, the identifier so far, and the syntax of the innermost and enclosing lists. The
/// layout is tracked also for the weight set of <see cref="ByteModelOptions.LayoutWeightSet"/>.
/// </summary>
internal sealed class CodeLayoutContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.CodeContexts;

    public CodeLayoutContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    /// <summary>The layout of the bytes so far.</summary>
    public CodeLayout Layout { get; } = new();

    public override void ByteDone(byte value) => Layout.ByteDone(value);

    public override void WriteContexts(Span<ulong> contexts)
    {
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind switch
            {
                ByteContexts.Indent => Layout.Indent(Bytes.Byte(1)),
                ByteContexts.Identifier => Layout.Identifier,
                ByteContexts.Syntax => Layout.Syntax,
                _ => Layout.ParentSyntax,
            };
        }
    }
}
