using Lmz.Coding;

namespace Lmz.Bytes;

/// <summary>
/// Codes a chunk's bytes with a <see cref="ByteModel"/> and the arithmetic coder, one bit at a
/// time: bit 1 takes [0, p·2^12) of the coder's 2^24 total, bit 0 the rest.
/// </summary>
internal static class ByteStreamCoder
{
    /// <summary>Bytes between two progress reports.</summary>
    public const int ProgressStep = 64 << 10;

    /// <param name="data">The chunk.</param>
    /// <param name="settings">The level's byte model.</param>
    /// <param name="progress">Receives bytes coded since its last call.</param>
    public static byte[] Encode(ReadOnlySpan<byte> data, ByteModelSettings settings, Action<long>? progress = null)
    {
        var output = new MemoryStream(data.Length / 2 + 16);
        var encoder = new ArithmeticEncoder(output);
        using var model = settings.Create(data.Length);
        for (int i = 0; i < data.Length; i++)
        {
            if (progress != null && i > 0 && i % ProgressStep == 0) progress(ProgressStep);
            byte value = data[i];
            for (int k = 7; k >= 0; k--)
            {
                int bit = value >> k & 1;
                uint split = (uint)model.P() << 12;
                if (bit == 1) encoder.Encode(0, split); else encoder.Encode(split, FrequencyTable.Total);
                model.Update(bit);
            }
        }
        encoder.Finish();
        progress?.Invoke(data.Length == 0 ? 0 : (data.Length - 1) % ProgressStep + 1);
        return output.ToArray();
    }

    /// <summary>Decodes <paramref name="length"/> bytes; a payload that runs out early is <see cref="InvalidDataException"/>.</summary>
    public static byte[] Decode(byte[] payload, int length, ByteModelSettings settings, Action<long>? progress = null)
    {
        var decoder = new ArithmeticDecoder(payload);
        using var model = settings.Create(length);
        var output = new byte[length];
        for (int i = 0; i < length; i++)
        {
            if (progress != null && i > 0 && i % ProgressStep == 0) progress(ProgressStep);
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
        if (decoder.Overrun > 4) throw new InvalidDataException("the byte-model payload ends before its last byte");
        progress?.Invoke(length == 0 ? 0 : (length - 1) % ProgressStep + 1);
        return output;
    }
}

/// <summary>What a level's byte model holds: its contexts and the size of each context table.</summary>
internal sealed record ByteModelSettings(ByteContexts Contexts, int TableBits)
{
    public ByteModel Create(int capacity) => new(capacity, Contexts, TableBits);

    /// <summary>The byte model of a level (<see cref="LevelProfile.ByteTableBits"/>); part of the format.</summary>
    public static ByteModelSettings For(int level) => new(ByteContexts.All, LevelProfile.For(level).ByteTableBits);
}
