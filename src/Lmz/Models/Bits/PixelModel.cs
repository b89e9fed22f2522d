using Lmz.Core;

namespace Lmz.Models.Bits;

/// <summary>
/// Fixed-length records as 1-bit images (<see cref="ByteContexts.Pixels"/>): a direct adaptive
/// probability of the next bit by the pixels around its column in the two rows above and the
/// seven to its left. One mixer input, 0 while no row length is known or the flag is off.
/// </summary>
internal sealed class PixelModel
{
    /// <summary>The mixer inputs it adds per bit.</summary>
    public const int Inputs = 1;

    private readonly CodedBytes _bytes;
    private readonly RecordContexts _rows;
    private readonly bool _enabled;
    private AdaptiveProbability? _pixels; // 4 MiB: made when a row length first appears
    private bool _active;                 // the next byte's inputs come from it
    private bool _predicted;              // this bit's input came from it
    private int _above, _above2, _left;   // the bytes around the column one and two rows above, byte −1

    public PixelModel(CodedBytes bytes, RecordContexts rows, bool enabled)
    {
        _bytes = bytes;
        _rows = rows;
        _enabled = enabled;
        ByteDone();
    }

    /// <summary>After each byte (and the row length's update): what the next byte's bits read.</summary>
    public void ByteDone()
    {
        int r = _enabled ? _rows.RowLength : 0;
        _active = r > 0;
        if (!_active) return;
        _pixels ??= new AdaptiveProbability(1 << 20, 255);
        _above = Byte(r + 1) << 16 | Byte(r) << 8 | (r > 1 ? Byte(r - 1) : 0);
        _above2 = Byte(2 * r + 1) << 16 | Byte(2 * r) << 8 | (r > 1 ? Byte(2 * r - 1) : 0);
        _left = Byte(1);
    }

    /// <summary>Adds this bit's input; <paramref name="partial"/> is the byte so far with a leading 1, <paramref name="bitIndex"/> 0..7 from the top.</summary>
    public void Predict(BitMixer mixer, int partial, int bitIndex)
    {
        _predicted = _active;
        mixer.Add(_predicted ? Logistic.Stretch(_pixels!.P(Context(partial, bitIndex))) : 0);
    }

    public void Update(int bit)
    {
        if (_predicted) _pixels!.Update(bit);
    }

    /// <summary>Asks for the next bit's entry (a hint: no effect on any result).</summary>
    public void Prefetch(int partial, int bitIndex)
    {
        if (_active) _pixels!.Prefetch(Context(partial, bitIndex));
    }

    /// <summary>7 pixels above centred on the next bit's column, 5 two rows above, and the 7 to its left.</summary>
    private int Context(int partial, int j)
    {
        int left = (_left << j | (partial & ((1 << j) - 1))) & 0x7F;
        return ((_above >> (12 - j)) & 0x7F) << 12 | ((_above2 >> (13 - j)) & 0x1F) << 7 | left;
    }

    private int Byte(int back) => _bytes.Byte(back);
}
