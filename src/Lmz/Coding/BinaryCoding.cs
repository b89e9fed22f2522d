namespace Lmz.Coding;

/// <summary>
/// The one step that codes a binary decision, shared by the byte coder and the hybrid: with
/// p(bit = 1) in 12 bits, bit 1 takes [0, p·2^12) of the coder's 2^24 total and bit 0 the rest.
/// Generic over <see cref="BitEncoder"/> and <see cref="BitDecoder"/>, so one loop serves both
/// directions at the speed of a direct call.
/// </summary>
internal interface IBitCoder
{
    /// <summary>Codes one decision of probability <paramref name="p"/> (1..4095 of 4096); returns the bit: <paramref name="known"/> when encoding, else the decoded one.</summary>
    int Code(int p, int known);
}

/// <summary>The binary coding step's encoding side.</summary>
internal readonly struct BitEncoder(ArithmeticEncoder encoder) : IBitCoder
{
    public int Code(int p, int known)
    {
        uint split = (uint)p << 12;
        if (known == 1) encoder.Encode(0, split); else encoder.Encode(split, FrequencyTable.Total);
        return known;
    }
}

/// <summary>The binary coding step's decoding side.</summary>
internal readonly struct BitDecoder(ArithmeticDecoder decoder) : IBitCoder
{
    public int Code(int p, int known)
    {
        uint split = (uint)p << 12;
        int bit = decoder.GetTarget() < split ? 1 : 0;
        if (bit == 1) decoder.Consume(0, split); else decoder.Consume(split, FrequencyTable.Total);
        return bit;
    }
}
