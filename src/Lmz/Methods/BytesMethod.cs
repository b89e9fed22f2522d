namespace Lmz.Methods;

/// <summary>
/// The bytes coded bit by bit with the byte model (<see cref="ByteStreamCoder"/>); with
/// <paramref name="x86"/>, after <see cref="X86CallFilter"/> made x86 call targets absolute.
/// </summary>
internal sealed class BytesMethod(ByteModelSettings settings, bool x86) : IChunkMethod
{
    public ChunkMethod Id => x86 ? ChunkMethod.BytesX86 : ChunkMethod.Bytes;

    public byte[] Encode(byte[] chunk, Action<long>? progress)
    {
        byte[] input = chunk;
        if (x86)
        {
            input = (byte[])input.Clone();
            X86CallFilter.Forward(input);
        }
        return ByteStreamCoder.Encode(input, settings, progress);
    }

    public byte[] Decode(byte[] payload, int length, Action<long>? progress)
    {
        var output = ByteStreamCoder.Decode(payload, length, settings, progress);
        if (x86) X86CallFilter.Inverse(output);
        return output;
    }
}
