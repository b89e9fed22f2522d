using Lmz.Coding;

namespace Lmz.Bytes;

/// <summary>Codes a chunk's bytes with a <see cref="ByteModel"/> and the arithmetic coder, one bit at a time.</summary>
internal static class ByteStreamCoder
{
    public static byte[] Encode(ReadOnlySpan<byte> data, ByteModelSettings settings)
    {
        var output = new MemoryStream(data.Length / 2 + 16);
        var encoder = new ArithmeticEncoder(output);
        var model = settings.Create(data.Length);
        foreach (byte value in data)
        {
            for (int k = 7; k >= 0; k--)
            {
                int bit = value >> k & 1;
                uint split = (uint)model.P() << 12;
                if (bit == 1) encoder.Encode(0, split); else encoder.Encode(split, FrequencyTable.Total);
                model.Update(bit);
            }
        }
        encoder.Finish();
        return output.ToArray();
    }

    public static byte[] Decode(byte[] payload, int length, ByteModelSettings settings)
    {
        var decoder = new ArithmeticDecoder(payload);
        var model = settings.Create(length);
        var output = new byte[length];
        for (int i = 0; i < length; i++)
        {
            int value = 0;
            for (int k = 0; k < 8; k++)
            {
                uint split = (uint)model.P() << 12;
                int bit = decoder.GetTarget() < split ? 1 : 0;
                if (bit == 1) decoder.Consume(0, split); else decoder.Consume(split, FrequencyTable.Total);
                model.Update(bit);
                value = value << 1 | bit;
            }
            output[i] = (byte)value;
        }
        if (decoder.Overrun > 8) throw new InvalidDataException("the byte-model payload ends early");
        return output;
    }
}

/// <summary>What a level's byte model holds: its contexts and the size of each context table.</summary>
internal sealed record ByteModelSettings(ByteContexts Contexts, int TableBits)
{
    public ByteModel Create(int capacity) => new(capacity, Contexts, TableBits);
}
