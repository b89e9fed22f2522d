namespace Lmz.Models.Bits;

/// <summary>
/// The bytes of a stream coded so far, which the byte model and each of its context families
/// read (one array: the stream's size is known up front).
/// </summary>
internal sealed class CodedBytes
{
    private readonly byte[] _bytes;
    private int _position;

    /// <param name="capacity">Bytes the stream will hold.</param>
    public CodedBytes(int capacity) => _bytes = new byte[Math.Max(capacity, 1)];

    /// <summary>The whole array; bytes [0, <see cref="Position"/>) are coded.</summary>
    public byte[] Bytes => _bytes;

    /// <summary>How many bytes are coded: the index of the next one.</summary>
    public int Position => _position;

    /// <summary>The byte <paramref name="back"/> before the next one (1: the last coded), 0 before the start.</summary>
    public int Byte(int back) => back <= _position ? _bytes[_position - back] : 0;

    /// <summary>The coded byte at <paramref name="index"/>.</summary>
    public byte this[int index] => _bytes[index];

    /// <summary>Appends the byte just coded.</summary>
    public void Append(byte value) => _bytes[_position++] = value;
}
