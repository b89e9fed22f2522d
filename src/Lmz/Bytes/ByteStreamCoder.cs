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

    /// <summary>Bytes of the payload's header in revision 2: the row length (16 bits) and the contexts (24 bits).</summary>
    public const int HeaderSize = 5;

    /// <param name="data">The chunk.</param>
    /// <param name="settings">The level's byte model.</param>
    /// <param name="progress">Receives bytes coded since its last call.</param>
    public static byte[] Encode(ReadOnlySpan<byte> data, ByteModelSettings settings, Action<long>? progress = null)
    {
        var output = new MemoryStream(data.Length / 2 + 16);
        var (contexts, row) = (settings.Contexts, 0);
        if (settings.Revision >= 2)
        {
            row = RecordLength.Detect(data);
            // The 16-bit image contexts only pay with a row length to read the row above from.
            if (row == 0 || (row & 1) != 0) contexts &= ~(ByteContexts.Image16Gradient | ByteContexts.Image16Neighbours);
            Span<byte> header = [(byte)row, (byte)(row >> 8), (byte)contexts, (byte)((int)contexts >> 8), (byte)((int)contexts >> 16)];
            output.Write(header);
        }
        var encoder = new ArithmeticEncoder(output);
        using var model = settings.Create(data.Length, contexts, row);
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

    /// <summary>Decodes <paramref name="length"/> bytes; a payload that runs out early or names contexts the settings lack is <see cref="InvalidDataException"/>.</summary>
    public static byte[] Decode(byte[] payload, int length, ByteModelSettings settings, Action<long>? progress = null)
    {
        var (contexts, row, start) = (settings.Contexts, 0, 0);
        if (settings.Revision >= 2)
        {
            if (payload.Length < HeaderSize) throw new InvalidDataException("the byte-model payload is shorter than its header");
            row = payload[0] | payload[1] << 8;
            contexts = (ByteContexts)(payload[2] | payload[3] << 8 | payload[4] << 16);
            if ((contexts & ~settings.Contexts) != 0 || row > RecordLength.MaxDetected)
                throw new InvalidDataException($"the byte-model header names contexts {(int)contexts:x} or row length {row} that this level does not have");
            start = HeaderSize;
        }
        var decoder = new ArithmeticDecoder(payload, start);
        using var model = settings.Create(length, contexts, row);
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

/// <summary>What a level's byte model holds: its contexts, the size of each context table, and the model's revision.</summary>
internal sealed record ByteModelSettings(ByteContexts Contexts, int TableBits, int Revision)
{
    public ByteModel Create(int capacity, ByteContexts contexts, int row) => new(capacity, contexts, TableBits, Revision, row);

    /// <summary>
    /// The byte model of a level (<see cref="LevelProfile.ByteTableBits"/>) in files of format
    /// <paramref name="formatVersion"/>: revision 1 in format 7, revision 2 from format 8.
    /// </summary>
    public static ByteModelSettings For(int level, int formatVersion = Container.ContainerFormat.Version) =>
        formatVersion >= 8
            ? new(ByteContexts.All, LevelProfile.For(level).ByteTableBits, 2)
            : new(ByteContexts.Revision1, LevelProfile.For(level).ByteTableBits, 1);
}
