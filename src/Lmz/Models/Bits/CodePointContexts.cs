namespace Lmz.Models.Bits;

/// <summary>
/// UTF-8 text as code points: the last one to three whole code points with the bytes of the one
/// being written so far (for Chinese, the last characters as units), and words in which every code
/// point from U+0080 is a letter but for punctuation and spaces (<see cref="IsLetter"/>, our own
/// table: the contexts must not change with a runtime's Unicode version). A byte that breaks UTF-8
/// counts as a code point of its own.
/// </summary>
internal sealed class CodePointContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.CodePoint1 | ByteContexts.CodePoint2 | ByteContexts.CodePoint3 | ByteContexts.UnicodeWord;

    private uint _cp1, _cp2, _cp3;   // the last three whole code points
    private uint _partial;           // the current code point's bytes so far (0: at a boundary)
    private int _pending;            // continuation bytes it still needs
    private uint _word, _previousWord; // hashes, 0: none

    public CodePointContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    public override void ByteDone(byte value)
    {
        if (_pending > 0 && (value & 0xC0) == 0x80)
        {
            _partial = _partial << 8 | value;
            if (--_pending == 0) Complete(Decode(_partial));
            return;
        }
        (_partial, _pending) = (0, 0);
        int length = value < 0x80 ? 1 : value >= 0xF0 && value < 0xF8 ? 4 : value >= 0xE0 ? 3 : value >= 0xC2 ? 2 : 1;
        if (length == 1 || value >= 0xF8) Complete(value);
        else (_partial, _pending) = (value, length - 1);
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        ulong at = (ulong)_partial << 40 | (ulong)_pending << 38;
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind switch
            {
                ByteContexts.CodePoint1 => at | _cp1,
                ByteContexts.CodePoint2 => at ^ (ulong)_cp2 << 21 ^ _cp1,
                ByteContexts.CodePoint3 => at ^ ((ulong)_cp3 * 0x9E3779B1u << 8) ^ (ulong)_cp2 << 21 ^ _cp1,
                _ => at ^ (_word != 0 ? (ulong)_word << 8 ^ _previousWord : (ulong)_previousWord << 32 | _cp1 | 1UL << 63), // UnicodeWord
            };
        }
    }

    private void Complete(uint cp)
    {
        (_cp3, _cp2, _cp1) = (_cp2, _cp1, cp);
        (_partial, _pending) = (0, 0);
        if (IsLetter(cp)) _word = (_word + (cp < 0x80 ? cp | 32 : cp) + 1) * 0x3D4D51CBu;
        else if (_word != 0) (_previousWord, _word) = (_word, 0);
    }

    /// <summary>The code point of a whole UTF-8 sequence packed one byte per 8 bits.</summary>
    private static uint Decode(uint bytes) => bytes switch
    {
        < 0x10000 => (bytes >> 8 & 0x1F) << 6 | (bytes & 0x3F),
        < 0x1000000 => (bytes >> 16 & 0x0F) << 12 | (bytes >> 8 & 0x3F) << 6 | (bytes & 0x3F),
        _ => (bytes >> 24 & 0x07) << 18 | (bytes >> 16 & 0x3F) << 12 | (bytes >> 8 & 0x3F) << 6 | (bytes & 0x3F),
    };

    /// <summary>
    /// ASCII letters, and every code point from U+0080 outside the Latin-1 symbols, general and
    /// CJK punctuation, the full-width ASCII punctuation and the private and special areas.
    /// </summary>
    public static bool IsLetter(uint cp) => cp switch
    {
        < 0x80 => (cp | 32) - 'a' < 26,
        < 0xC0 => false,                  // Latin-1 punctuation and symbols
        0xD7 or 0xF7 => false,            // × ÷
        >= 0x2000 and < 0x2070 => false,  // general punctuation
        >= 0x3000 and < 0x3040 => false,  // CJK symbols and punctuation
        >= 0xFF00 and < 0xFF10 => false,  // full-width ! to /
        >= 0xFF1A and < 0xFF21 => false,  // full-width : to @
        >= 0xFF3B and < 0xFF41 => false,  // full-width [ to `
        >= 0xFF5B and < 0xFF66 => false,  // full-width { to ～ and half-width punctuation
        >= 0xE000 and < 0xF900 => false,  // private use
        >= 0xFFF0 => false,               // specials and above the BMP's letters we model
        _ => true,
    };
}
