using Lmz.Coding;
using Lmz.Models.Bits;

namespace Lmz.Methods;

/// <summary>
/// Codes a chunk's bytes with a <see cref="ByteModel"/> and the arithmetic coder, one bit at a
/// time through the binary coding step (<see cref="IBitCoder"/>).
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
        var header = new BytePayloadHeader(0, settings.Contexts);
        if (settings.HeaderBytes > 0)
        {
            header = BytePayloadHeader.Choose(data, settings);
            header.Write(output, settings.HeaderBytes);
        }
        Code(data, settings, header, output, progress);
        return output.ToArray();
    }

    /// <summary>Bytes the coder writes for <paramref name="data"/> with <paramref name="header"/>'s choices (no header).</summary>
    public static long CodedLength(ReadOnlySpan<byte> data, ByteModelSettings settings, BytePayloadHeader header)
    {
        var output = new MemoryStream(data.Length / 2 + 16);
        Code(data, settings, header, output, progress: null);
        return output.Length;
    }

    private static void Code(ReadOnlySpan<byte> data, ByteModelSettings settings, BytePayloadHeader header, Stream output, Action<long>? progress)
    {
        var encoder = new ArithmeticEncoder(output);
        var coder = new BitEncoder(encoder);
        using var model = settings.Create(data.Length, header);
        for (int i = 0; i < data.Length; i++)
        {
            if (progress != null && i > 0 && i % ProgressStep == 0) progress(ProgressStep);
            byte value = data[i];
            for (int k = 7; k >= 0; k--) model.Update(coder.Code(model.P(), value >> k & 1));
        }
        encoder.Finish();
        progress?.Invoke(data.Length == 0 ? 0 : (data.Length - 1) % ProgressStep + 1);
    }

    /// <summary>Decodes <paramref name="length"/> bytes; a payload that runs out early or names contexts the settings lack is <see cref="InvalidDataException"/>.</summary>
    public static byte[] Decode(byte[] payload, int length, ByteModelSettings settings, Action<long>? progress = null)
    {
        var header = settings.HeaderBytes > 0 ? BytePayloadHeader.Read(payload, settings.Contexts, settings.HeaderBytes) : new BytePayloadHeader(0, settings.Contexts);
        var decoder = new ArithmeticDecoder(payload, settings.HeaderBytes);
        var coder = new BitDecoder(decoder);
        using var model = settings.Create(length, header);
        var output = new byte[length];
        for (int i = 0; i < length; i++)
        {
            if (progress != null && i > 0 && i % ProgressStep == 0) progress(ProgressStep);
            int value = 0;
            for (int k = 0; k < 8; k++)
            {
                int bit = coder.Code(model.P(), 0);
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

/// <summary>
/// What a byte chunk's model holds in the format in use (src/Lmz/Formats): the contexts the
/// encoder may name, the size of each context table and the model's switches; the payload
/// header's size (0: none, every context of <see cref="Contexts"/> in use); whether the encoder
/// tries leaving out <see cref="BytePayloadHeader.TableTrial"/>, and <see cref="Trial"/>, whether
/// it may run any trial at all (off for the trials' own samples and for ablation).
/// </summary>
internal sealed record ByteModelSettings(ByteContexts Contexts, int TableBits, ByteModelOptions Model, int HeaderBytes, bool TableTrial, bool Trial = true)
{
    public ByteModel Create(int capacity, BytePayloadHeader header) => new(capacity, header.Contexts, TableBits, Model, header.Row);
}
