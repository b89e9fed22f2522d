namespace Lmz.Models.Bits;

/// <summary>
/// A family of the byte model's hashed contexts (<see cref="ByteContexts"/>): the state they
/// share and how each turns it into a context value. Each enabled context is one mixer input
/// (two with <see cref="ByteModelOptions.OneSidedInputs"/>) through its bit histories. The model
/// hashes each value with the context's index among the enabled flags in ascending flag order,
/// which also picks its table: that order is part of every format.
/// </summary>
internal abstract class ByteContextFamily
{
    /// <param name="bytes">The coded bytes.</param>
    /// <param name="kinds">The model's enabled hashed contexts, in ascending flag order.</param>
    /// <param name="owned">The flags this family computes.</param>
    protected ByteContextFamily(CodedBytes bytes, ByteContexts[] kinds, ByteContexts owned)
    {
        Bytes = bytes;
        Contexts = [.. kinds.Select((kind, index) => (kind, index)).Where(x => (owned & x.kind) != 0)];
    }

    /// <summary>The coded bytes.</summary>
    protected CodedBytes Bytes { get; }

    /// <summary>Its enabled contexts, each with its index among the model's.</summary>
    protected (ByteContexts Kind, int Index)[] Contexts { get; }

    /// <summary>Its enabled contexts: one mixer input each (before the one-sided copies).</summary>
    public int Count => Contexts.Length;

    /// <summary>Follows the byte just coded (already in <see cref="Bytes"/>).</summary>
    public virtual void ByteDone(byte value) { }

    /// <summary>Writes, at each of its contexts' indices, the context value for the byte about to be coded.</summary>
    public abstract void WriteContexts(Span<ulong> contexts);
}
