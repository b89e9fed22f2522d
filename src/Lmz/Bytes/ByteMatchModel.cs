namespace Lmz.Bytes;

/// <summary>
/// Long repeats: the last place the previous <see cref="MinLength"/> bytes occurred predicts the
/// byte that followed them there, bit by bit, with a confidence learned per match length and
/// predicted bit. Inputs to the mixer: the learned probability's stretch, and the expected bit's
/// sign scaled by the length (0 and 0 when there is no match, or the current byte left it).
/// </summary>
internal sealed class ByteMatchModel
{
    public const int MinLength = 6;
    private const int MaxLength = 65535;
    private readonly int[] _last; // position after each hashed MinLength-byte context
    private readonly int _mask;
    private readonly AdaptiveProbability _confidence = new(64 * 2, 1023);
    private int _pointer, _length, _expected = -1;

    public ByteMatchModel(int bits)
    {
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
        if (position < MinLength) return;
        uint h = 0;
        for (int i = position - MinLength; i < position; i++) h = (h + history[i] + 1) * 0x2F0F3A35u;
        int slot = (int)(h >> 8) & _mask;
        if (_length == 0)
        {
            int candidate = _last[slot];
            if (candidate > 0)
            {
                int n = 0;
                while (n < 255 && n < candidate && history[candidate - 1 - n] == history[position - 1 - n]) n++;
                if (n >= MinLength) (_pointer, _length) = (candidate, n);
            }
        }
        _last[slot] = position;
    }

    /// <summary>Adds this bit's inputs; <paramref name="partial"/> is the byte so far with a leading 1, <paramref name="bitIndex"/> 0..7 from the top.</summary>
    public void Predict(byte[] history, int partial, int bitIndex, BitMixer mixer)
    {
        _expected = -1;
        if (_length > 0)
        {
            int predicted = history[_pointer] | 256;
            if (predicted >> (8 - bitIndex) == partial) _expected = (predicted >> (7 - bitIndex)) & 1;
        }
        if (_expected < 0)
        {
            mixer.Add(0);
            mixer.Add(0);
            return;
        }
        int bucket = _length < 16 ? _length : _length < 32 ? 16 + (_length - 16) / 4 : _length < 256 ? 20 + Math.Min(_length / 32, 7) : 28 + Math.Min(_length / 4096, 3);
        int p = _confidence.P(bucket * 2 + _expected);
        mixer.Add(Logistic.Stretch(p));
        int strength = Math.Min(_length, 32) * 64;
        mixer.Add(_expected == 1 ? strength : -strength);
    }

    public void Update(int bit)
    {
        if (_expected >= 0) _confidence.Update(bit);
    }

    /// <summary>A small context for the mixer's weight set: 0 no match, 1–3 by length.</summary>
    public int State => _expected < 0 ? 0 : _length < 16 ? 1 : _length < 64 ? 2 : 3;
}
