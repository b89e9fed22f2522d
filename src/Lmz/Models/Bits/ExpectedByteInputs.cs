using Lmz.Core;
namespace Lmz.Models.Bits;

/// <summary>
/// What a match model tells the mixer about the byte it expects: while the bits coded so far agree
/// with it, the expected next bit's confidence learned per match length and expected bit
/// (stretched), and that bit's sign scaled by the length; 0 and 0 with no match or once the byte
/// left it. Shared by <see cref="ByteMatchModel"/> and <see cref="ReverseComplementMatchModel"/>.
/// </summary>
internal sealed class ExpectedByteInputs
{
    /// <summary>The mixer inputs it adds per bit.</summary>
    public const int Inputs = 2;

    private readonly AdaptiveProbability _confidence = new(64 * 2, 1023);
    private int _expected = -1;

    /// <summary>The expected bit of this bit (0 or 1), or −1 with no expectation.</summary>
    public int Expected => _expected;

    /// <summary>
    /// Adds this bit's two inputs for <paramref name="predicted"/> (the expected byte, or −1 for
    /// none) after a match of <paramref name="length"/> bytes; <paramref name="partial"/> is the byte
    /// so far with a leading 1, <paramref name="bitIndex"/> 0..7 from the top.
    /// </summary>
    public void Predict(int predicted, int length, int partial, int bitIndex, BitMixer mixer)
    {
        _expected = -1;
        if (predicted >= 0 && (predicted | 256) >> (8 - bitIndex) == partial) _expected = (predicted >> (7 - bitIndex)) & 1;
        if (_expected < 0)
        {
            mixer.Add(0);
            mixer.Add(0);
            return;
        }
        int bucket = length < 16 ? length : length < 32 ? 16 + (length - 16) / 4 : length < 256 ? 20 + Math.Min(length / 32, 7) : 28 + Math.Min(length / 4096, 3);
        int p = _confidence.P(bucket * 2 + _expected);
        mixer.Add(Logistic.Stretch(p));
        int strength = Math.Min(length, 32) * 64;
        mixer.Add(_expected == 1 ? strength : -strength);
    }

    public void Update(int bit)
    {
        if (_expected >= 0) _confidence.Update(bit);
    }
}
