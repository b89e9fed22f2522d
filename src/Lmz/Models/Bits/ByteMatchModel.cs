namespace Lmz.Models.Bits;

/// <summary>
/// Long repeats: the last place the previous bytes (6 by default) occurred predicts the
/// byte that followed them there, bit by bit (the mixer's inputs: <see cref="ExpectedByteInputs"/>).
/// </summary>
internal sealed class ByteMatchModel
{
    /// <summary>The byte model's match model (2 with <see cref="ByteModelOptions.ShortMatches"/>); format 12's <see cref="ByteContexts.LongMatch"/> takes 20.</summary>
    public const int DefaultMinLength = 6;
    private const int MaxLength = 65535;
    private readonly int _minLength;
    private readonly int[] _last; // position after each hashed context of the minimum length
    private readonly int _mask;
    private readonly ExpectedByteInputs _inputs = new();
    private int _pointer, _length;

    /// <param name="bits">log2 of the hash table's entries.</param>
    /// <param name="minLength">Bytes that must match before the model predicts.</param>
    public ByteMatchModel(int bits, int minLength = DefaultMinLength)
    {
        _minLength = minLength;
        _last = new int[1 << bits];
        _mask = (1 << bits) - 1;
    }

    /// <summary>Current match length in bytes (0: none).</summary>
    public int Length => _length;

    /// <summary>At a byte boundary, the bytes that followed the match (up to <paramref name="max"/>; empty with no match).</summary>
    public ReadOnlySpan<byte> Ahead(byte[] history, int position, int max) =>
        _length == 0 ? default : history.AsSpan(_pointer, Math.Min(max, position - _pointer));

    /// <summary>After byte <paramref name="position"/> − 1 was coded (history[0..position) known).</summary>
    public void ByteDone(byte[] history, int position)
    {
        if (_length > 0 && history[_pointer] == history[position - 1] && _pointer + 1 < position)
        {
            _pointer++;
            if (_length < MaxLength) _length++;
        }
        else _length = 0;
        if (position < _minLength) return;
        uint h = 0;
        for (int i = position - _minLength; i < position; i++) h = HashStep(h, history[i]);
        int slot = (int)(h >> 8) & _mask;
        if (_length == 0)
        {
            int candidate = _last[slot];
            if (candidate > 0)
            {
                int n = 0;
                while (n < 255 && n < candidate && history[candidate - 1 - n] == history[position - 1 - n]) n++;
                if (n >= _minLength) (_pointer, _length) = (candidate, n);
            }
        }
        _last[slot] = position;
    }

    /// <summary>Adds this bit's inputs; <paramref name="partial"/> is the byte so far with a leading 1, <paramref name="bitIndex"/> 0..7 from the top.</summary>
    public void Predict(byte[] history, int partial, int bitIndex, BitMixer mixer) =>
        _inputs.Predict(_length > 0 ? history[_pointer] : -1, _length, partial, bitIndex, mixer);

    public void Update(int bit) => _inputs.Update(bit);

    /// <summary>One byte more of the string hash both match models index their tables by.</summary>
    public static uint HashStep(uint h, int b) => (h + (uint)b + 1) * 0x2F0F3A35u;

    /// <summary>A small context for the mixer's weight set: 0 no match, 1–3 by length.</summary>
    public int State => _inputs.Expected < 0 ? 0 : _length < 16 ? 1 : _length < 64 ? 2 : 3;
}
