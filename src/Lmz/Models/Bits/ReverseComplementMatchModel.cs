namespace Lmz.Models.Bits;

/// <summary>
/// Inverted repeats of DNA: a stretch of one strand often appears again later as its reverse
/// complement (the other strand read the other way). When the complement of the last
/// <see cref="MinLength"/> bytes, read backwards, occurred before, the byte before that occurrence,
/// complemented, predicts the next byte; the match then walks backwards through the old copy
/// (the mixer's inputs: <see cref="ExpectedByteInputs"/>). Format 12's
/// <see cref="ByteContexts.ReverseComplement"/>: E.coli 1.0% smaller (docs/decisions/byte-model.md, "DNA").
/// </summary>
internal sealed class ReverseComplementMatchModel
{
    /// <summary>Bytes that must match: of 12, 16, 20 and 24, 16 coded E.coli smallest.</summary>
    public const int MinLength = 16;
    private const int MaxLength = 65535;
    private static readonly byte[] Complement = BuildComplement();
    private readonly int[] _starts; // per hashed MinLength-byte string: 1 + where it last began
    private readonly int _mask;
    private readonly ExpectedByteInputs _inputs = new();
    private int _pointer, _length;

    /// <param name="bits">log2 of the hash table's entries.</param>
    public ReverseComplementMatchModel(int bits)
    {
        _starts = new int[1 << bits];
        _mask = (1 << bits) - 1;
    }

    /// <summary>After byte <paramref name="position"/> − 1 was coded (history[0..position) known).</summary>
    public void ByteDone(byte[] history, int position)
    {
        if (_length > 0 && Complement[history[_pointer]] == history[position - 1] && _pointer > 0)
        {
            _pointer--;
            if (_length < MaxLength) _length++;
        }
        else _length = 0;
        if (position < MinLength) return;
        uint forward = 0, reverse = 0;
        for (int i = position - MinLength; i < position; i++) forward = ByteMatchModel.HashStep(forward, history[i]);
        for (int i = position - 1; i >= position - MinLength; i--) reverse = ByteMatchModel.HashStep(reverse, Complement[history[i]]);
        if (_length == 0)
        {
            int start = _starts[(int)(reverse >> 8) & _mask] - 1;
            if (start > 0)
            {
                // history[start + n] must be the complement of history[position − 1 − n].
                int n = 0;
                while (n < 255 && start + n < position && history[start + n] == Complement[history[position - 1 - n]]) n++;
                if (n >= MinLength) (_pointer, _length) = (start - 1, n);
            }
        }
        _starts[(int)(forward >> 8) & _mask] = position - MinLength + 1;
    }

    /// <summary>Adds this bit's two inputs; <paramref name="partial"/> is the byte so far with a leading 1, <paramref name="bitIndex"/> 0..7 from the top.</summary>
    public void Predict(byte[] history, int partial, int bitIndex, BitMixer mixer) =>
        _inputs.Predict(_length > 0 ? Complement[history[_pointer]] : -1, _length, partial, bitIndex, mixer);

    public void Update(int bit) => _inputs.Update(bit);

    /// <summary>A↔T and C↔G in either case; every other byte is its own complement.</summary>
    private static byte[] BuildComplement()
    {
        var complement = new byte[256];
        for (int b = 0; b < 256; b++) complement[b] = (byte)b;
        foreach (var (x, y) in new[] { ('A', 'T'), ('C', 'G'), ('a', 't'), ('c', 'g') })
        {
            complement[x] = (byte)y;
            complement[y] = (byte)x;
        }
        return complement;
    }
}
