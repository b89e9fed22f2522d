namespace Lmz.Coding;

/// <summary>
/// 32-bit range coder (LZMA-style carry handling) over cumulative frequencies whose total is
/// 2^<see cref="FrequencyTable.TotalBits"/>. The sub-interval is computed with exact 64-bit
/// products, floor(range * cum / 2^24), so the only loss is one rounding per symbol on a range
/// of at least 2^24.
/// </summary>
internal sealed class ArithmeticEncoder
{
    private const uint TopValue = 1u << 24;
    private readonly Stream _output;
    private ulong _low;
    private uint _range = uint.MaxValue;
    private byte _cache;
    private long _cacheSize = 1;

    public ArithmeticEncoder(Stream output) => _output = output;

    /// <summary>Codes the symbol occupying [cumLow, cumHigh) of the 2^24 total.</summary>
    public void Encode(uint cumLow, uint cumHigh) =>
        Narrow(((ulong)_range * cumLow) >> FrequencyTable.TotalBits, ((ulong)_range * cumHigh) >> FrequencyTable.TotalBits);

    /// <summary>Codes [cumLow, cumHigh) of an arbitrary total (at most 2^24) with exact 64-bit division.</summary>
    public void Encode(uint cumLow, uint cumHigh, uint total) =>
        Narrow((ulong)_range * cumLow / total, (ulong)_range * cumHigh / total);

    private void Narrow(ulong lowOffset, ulong highOffset)
    {
        // An empty interval would shift forever: a symbol must have code space.
        if (highOffset <= lowOffset) throw new ArgumentException("the symbol's interval is empty");
        _low += lowOffset;
        _range = (uint)(highOffset - lowOffset);
        while (_range < TopValue)
        {
            _range <<= 8;
            ShiftLow();
        }
    }

    /// <summary>Writes the final bytes; the decoder needs them to resolve the last symbols.</summary>
    public void Finish()
    {
        for (int i = 0; i < 5; i++) ShiftLow();
    }

    private void ShiftLow()
    {
        if ((uint)_low < 0xFF000000u || (_low >> 32) != 0)
        {
            byte carry = (byte)(_low >> 32);
            byte pending = _cache;
            do
            {
                _output.WriteByte((byte)(pending + carry));
                pending = 0xFF;
            } while (--_cacheSize != 0);
            _cache = (byte)((uint)_low >> 24);
        }
        _cacheSize++;
        _low = (_low & 0x00FFFFFFu) << 8;
    }
}
