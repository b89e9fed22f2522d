namespace Lmz.Models.Bits;

/// <summary>
/// Contexts of text: the word being written (its letters case-folded; bytes of 128 and up count
/// as letters) and the word before it.
/// </summary>
internal sealed class WordContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.Word | ByteContexts.WordPair;

    private uint _word, _previousWord; // hashes, 0: none

    public WordContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    public override void ByteDone(byte value)
    {
        if (char.IsAsciiLetter((char)value) || value >= 128)
            _word = (_word + (uint)(value | 32) + 1) * 0x3D4D51CBu;
        else if (_word != 0)
            (_previousWord, _word) = (_word, 0);
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        int c1 = Bytes.Byte(1);
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind == ByteContexts.Word
                ? _word != 0 ? _word : (ulong)_previousWord << 8 | (uint)c1 | 1UL << 63
                : (ulong)_word << 32 ^ _previousWord ^ (_word == 0 ? (ulong)c1 << 56 : 0); // WordPair
        }
    }
}
