using System.Buffers.Binary;

namespace Lmz.Network.Adaptive;

/// <summary>
/// The float weights of the GPT in one array (so one loop updates them all), read from the
/// bundle's weights.f16 (written by models/training/export_weights.py). Linear layers are
/// stored input-major, [in][out]; <see cref="OutputT"/> is the tied token embedding transposed,
/// kept beside it so the logits stream rows too.
/// </summary>
internal sealed class NetworkWeights
{
    public const string FileName = "weights.f16";
    private const uint FormatVersion = 1;

    public NetworkWeights(int vocab, int layers, int dModel, int heads, int context)
    {
        if (vocab < 2 || layers < 1 || dModel < 1 || heads < 1 || dModel % heads != 0 || context < 2)
            throw new ArgumentException("invalid network shape");
        (Vocab, Layers, DModel, Heads, Context) = (vocab, layers, dModel, heads, context);
        int d = dModel, offset = 0;
        int Take(int size) { int o = offset; offset += size; return o; }
        Wte = Take(vocab * d);
        Wpe = Take(context * d);
        Layer = new LayerOffsets[layers];
        for (int l = 0; l < layers; l++)
            Layer[l] = new LayerOffsets(Take(d), Take(d), Take(d * 3 * d), Take(d * d), Take(d), Take(d), Take(d * 4 * d), Take(4 * d * d));
        LnFWeight = Take(d);
        LnFBias = Take(d);
        Values = new float[offset];
        OutputT = new float[d * vocab];
    }

    public int Vocab { get; }
    public int Layers { get; }
    public int DModel { get; }
    public int Heads { get; }
    public int Context { get; }
    public int HeadDim => DModel / Heads;

    /// <summary>Every parameter, in the file's order.</summary>
    public float[] Values { get; }

    /// <summary>The token embedding transposed, [d][vocab]: the output layer's input-major form.</summary>
    public float[] OutputT { get; }

    public int Wte { get; }
    public int Wpe { get; }
    public LayerOffsets[] Layer { get; }
    public int LnFWeight { get; }
    public int LnFBias { get; }

    public Span<float> Slice(int offset, int length) => Values.AsSpan(offset, length);

    /// <summary>Refreshes <see cref="OutputT"/> from the embedding after the weights change.</summary>
    public void SyncOutput() => MatrixKernels.Transpose(Values.AsSpan(Wte, Vocab * DModel), OutputT, Vocab, DModel);

    public NetworkWeights Clone()
    {
        var copy = new NetworkWeights(Vocab, Layers, DModel, Heads, Context);
        Values.CopyTo(copy.Values);
        OutputT.CopyTo(copy.OutputT);
        return copy;
    }

    /// <summary>Reads weights.f16; throws InvalidDataException if its header or length is wrong.</summary>
    public static NetworkWeights Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 28 || !bytes.AsSpan(0, 4).SequenceEqual("LMZW"u8))
            throw new InvalidDataException($"{path}: not an lmz weights file (no LMZW header)");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        if (version != FormatVersion) throw new InvalidDataException($"{path}: weights format version {version}, expected {FormatVersion}");
        int Field(int i) => checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8 + 4 * i)));
        var weights = new NetworkWeights(Field(0), Field(1), Field(2), Field(3), Field(4));
        if (bytes.Length != 28 + 2L * weights.Values.Length)
            throw new InvalidDataException($"{path}: {bytes.Length} bytes, expected {28 + 2L * weights.Values.Length} for its shape");
        var values = weights.Values;
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(28 + 2 * i)); // exact widening
        weights.SyncOutput();
        return weights;
    }

    /// <summary>Offsets of one block's tensors in <see cref="Values"/>.</summary>
    public readonly record struct LayerOffsets(int Ln1Weight, int Ln1Bias, int Qkv, int Proj, int Ln2Weight, int Ln2Bias, int Fc, int FcOut);
}
