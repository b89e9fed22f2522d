namespace Lmz.Coding;

/// <summary>Decoder matching <see cref="ArithmeticEncoder"/> step for step.</summary>
internal sealed class ArithmeticDecoder
{
    private const uint TopValue = 1u << 24;
    private readonly byte[] _input;
    private int _position;
    private uint _range = uint.MaxValue;
    private uint _code;

    public ArithmeticDecoder(byte[] input, int offset = 0)
    {
        _input = input;
        _position = offset;
        for (int i = 0; i < 5; i++) _code = (_code << 8) | NextByte();
    }

    /// <summary>
    /// Bytes read past the end of the input (zeros are supplied; corrupt data shows as a checksum
    /// failure). A whole stream never reads past its end; past <see cref="MaxOverrun"/> bytes the
    /// decoder throws <see cref="InvalidDataException"/>.
    /// </summary>
    public int Overrun { get; private set; }

    /// <summary>
    /// Bytes the decoder supplies past the input before it gives up: a corrupt record can claim a
    /// chunk of megabytes for a payload of a hundred bytes, and decoding its zeros cost minutes.
    /// </summary>
    public const int MaxOverrun = 4;

    /// <summary>The cumulative count the next symbol's interval contains.</summary>
    public uint GetTarget()
    {
        // Largest c with floor(range*c/2^24) <= code: c = floor(((code+1)*2^24 - 1) / range).
        ulong target = ((((ulong)_code + 1) << FrequencyTable.TotalBits) - 1) / _range;
        return (uint)target;
    }

    /// <summary><see cref="GetTarget()"/> for an arbitrary total of at most 2^24.</summary>
    public uint GetTarget(uint total) => (uint)((((ulong)_code + 1) * total - 1) / _range);

    /// <summary>Consumes [cumLow, cumHigh) of an arbitrary total, found from <see cref="GetTarget(uint)"/>.</summary>
    public void Consume(uint cumLow, uint cumHigh, uint total) =>
        Narrow((ulong)_range * cumLow / total, (ulong)_range * cumHigh / total);

    /// <summary>Consumes the symbol occupying [cumLow, cumHigh), found from <see cref="GetTarget()"/>.</summary>
    public void Consume(uint cumLow, uint cumHigh) =>
        Narrow(((ulong)_range * cumLow) >> FrequencyTable.TotalBits, ((ulong)_range * cumHigh) >> FrequencyTable.TotalBits);

    private void Narrow(ulong lowOffset, ulong highOffset)
    {
        _code -= (uint)lowOffset;
        _range = (uint)(highOffset - lowOffset);
        while (_range < TopValue)
        {
            _range <<= 8;
            _code = (_code << 8) | NextByte();
        }
    }

    private uint NextByte()
    {
        if (_position < _input.Length) return _input[_position++];
        if (++Overrun > MaxOverrun) throw new InvalidDataException("the payload ends before its last symbol");
        return 0;
    }
}
