using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Lmz.Network;

/// <summary>
/// The integer network's tensors, read from model.int.data (the ONNX graph's external data) and
/// laid out for <see cref="NativeIntegerEngine"/>. Shared read-only by every stream.
/// </summary>
internal sealed class IntegerNetworkWeights
{
    private IntegerNetworkWeights(IntegerNetworkSpec spec, short[] embedding, short[] positions, int[] expTable, int[] geluTable,
        long[] hiddenGain, long[] hiddenBias, Layer[] layers, Int8Matrix output)
    {
        (Spec, Embedding, Positions, ExpTable, GeluTable, HiddenGain, HiddenBias, Layers, Output) =
            (spec, embedding, positions, expTable, geluTable, hiddenGain, hiddenBias, layers, output);
    }

    public IntegerNetworkSpec Spec { get; }
    public short[] Embedding { get; }
    public short[] Positions { get; }
    public int[] ExpTable { get; }
    public int[] GeluTable { get; }
    public long[] HiddenGain { get; }
    public long[] HiddenBias { get; }
    public Layer[] Layers { get; }
    public Int8Matrix Output { get; }

    public sealed record Layer(Int8Matrix Qkv, Int8Matrix Proj, Int8Matrix Fc, Int8Matrix FcOut);

    public static unsafe IntegerNetworkWeights Load(IntegerNetworkSpec spec, string dataPath)
    {
        // Mapped, not read: every tensor is copied into its own layout below, so reading the
        // 10 MB whole first only faulted in fresh pages (docs/decisions/speed.md).
        long size = new FileInfo(dataPath).Length;
        if (size == 0) throw new InvalidDataException($"{dataPath}: the file is empty");
        using var map = MemoryMappedFile.CreateFromFile(dataPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
        byte* data = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref data);
        try
        {
            return Load(spec, dataPath, data + view.PointerOffset, checked((int)size));
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    private static unsafe IntegerNetworkWeights Load(IntegerNetworkSpec spec, string dataPath, byte* data, int length)
    {
        ReadOnlySpan<byte> Raw(string name, string type, params int[] shape)
        {
            if (!spec.Tensors.TryGetValue(name, out var t)) throw new InvalidDataException($"{dataPath}: tensor {name} is missing");
            if (t.Type != type || !t.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"{dataPath}: tensor {name} is {t.Type}[{string.Join(',', t.Shape)}], expected {type}[{string.Join(',', shape)}]");
            if (t.Offset < 0 || t.Offset + t.Length > length) throw new InvalidDataException($"{dataPath}: tensor {name} lies outside the file");
            return new ReadOnlySpan<byte>(data + t.Offset, checked((int)t.Length));
        }
        long[] Longs(string name, params int[] shape)
        {
            var raw = Raw(name, "int64", shape);
            var values = MemoryMarshal.Cast<byte, long>(raw).ToArray();
            if (!BitConverter.IsLittleEndian) for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReverseEndianness(values[i]);
            return values;
        }
        short[] Shorts(string name, params int[] shape)
        {
            var values = MemoryMarshal.Cast<byte, short>(Raw(name, "int16", shape)).ToArray();
            if (!BitConverter.IsLittleEndian) for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReverseEndianness(values[i]);
            return values;
        }
        int[] Table(string name, int size) => Longs(name, size).Select(v => checked((int)v)).ToArray();
        Int8Matrix Matrix(string prefix, int inputs, int outputs, int shift) =>
            Int8Matrix.FromOnnx(Raw(prefix + ".w", "uint8", inputs, outputs), inputs, outputs,
                Longs(prefix + ".c", outputs), Longs(prefix + ".b", outputs), shift);

        int d = spec.DModel, ff = spec.FeedForward;
        var layers = new Layer[spec.Layers];
        for (int l = 0; l < spec.Layers; l++)
        {
            var c = spec.Blocks[l];
            layers[l] = new Layer(Matrix($"l{l}.qkv", d, 3 * d, c.QkvShift), Matrix($"l{l}.proj", d, d, c.ProjShift),
                Matrix($"l{l}.fc", d, ff, c.FcShift), Matrix($"l{l}.fc_out", ff, d, c.FcOutShift));
        }
        return new IntegerNetworkWeights(spec, Shorts("emb", spec.VocabSize, d), Shorts("pos", spec.Context, d),
            Table("exp_table", spec.ExpSize), Table("gelu_table", 2 * spec.GeluRange + 1),
            Longs("hidden_gain", d), Longs("hidden_bias", d), layers, Matrix("out", d, spec.VocabSize, spec.OutShift));
    }
}

/// <summary>
/// An int8 weight matrix with its requantization: y_n = (acc_n · r · C_n + B_n) >> Shift, where
/// acc_n = Σ_k q_k w_kn. Codes are stored in blocks of 64 outputs, each block contiguous, and
/// inside a block in groups of four inputs per output ([outputs/64][inputs/4][64][4]): the
/// layout of a 4-way byte dot product (VNNI, AVX2, ARM SDOT) read as one sequential stream.
/// </summary>
internal sealed class Int8Matrix
{
    public Int8Matrix(sbyte[] grouped, int inputs, int outputs, long[] multipliers, long[] biases, int shift)
        : this(grouped, inputs, outputs, multipliers, biases, shift, null) { }

    private Int8Matrix(sbyte[] grouped, int inputs, int outputs, long[] multipliers, long[] biases, int shift, int[]? columnSums)
    {
        if (inputs % 4 != 0 || outputs % 64 != 0) throw new InvalidDataException($"matrix {inputs}x{outputs}: inputs must be a multiple of 4 and outputs of 64");
        (Grouped, Inputs, Outputs, Multipliers, Biases, Shift) = (grouped, inputs, outputs, multipliers, biases, shift);
        if (columnSums == null)
        {
            columnSums = new int[outputs];
            for (int k = 0; k < inputs; k++)
                for (int n = 0; n < outputs; n++)
                    columnSums[n] += grouped[IndexOf(inputs, k, n)];
        }
        ColumnSums = columnSums;
    }

    public const int BlockOutputs = 64;

    /// <summary>Where weight (input k, output n) lies in <see cref="Grouped"/>.</summary>
    public static int IndexOf(int inputs, int k, int n) =>
        ((n / BlockOutputs * (inputs / 4) + k / 4) * BlockOutputs + n % BlockOutputs) * 4 + k % 4;

    public sbyte[] Grouped { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    public long[] Multipliers { get; }
    public long[] Biases { get; }
    public int Shift { get; }

    /// <summary>Σ_k w_kn per output: what an unsigned (q + 128) product must subtract, 128 times.</summary>
    public int[] ColumnSums { get; }

    /// <summary>From the ONNX layout ([inputs][outputs] bytes holding w + 128).</summary>
    public static Int8Matrix FromOnnx(ReadOnlySpan<byte> onnx, int inputs, int outputs, long[] multipliers, long[] biases, int shift)
    {
        if (inputs % 4 != 0 || outputs % 64 != 0) throw new InvalidDataException($"matrix {inputs}x{outputs}: inputs must be a multiple of 4 and outputs of 64");
        if (onnx.Length != inputs * outputs) throw new InvalidDataException($"matrix {inputs}x{outputs}: {onnx.Length} bytes");
        var grouped = new sbyte[inputs * outputs];
        var sums = new int[outputs];
        int blockStride = inputs * BlockOutputs; // IndexOf, with its divisions taken out of the loops
        for (int k = 0; k < inputs; k++)
        {
            var row = onnx.Slice(k * outputs, outputs);
            int at = (k >> 2) * BlockOutputs * 4 + (k & 3);
            for (int n = 0; n < outputs; n++)
            {
                int w = row[n] - 128;
                if (w < -127) throw new InvalidDataException("an int8 weight is -128; the specification keeps weights in [-127, 127]");
                grouped[(n >> 6) * blockStride + at + (n & (BlockOutputs - 1)) * 4] = (sbyte)w;
                sums[n] += w;
            }
        }
        return new Int8Matrix(grouped, inputs, outputs, multipliers, biases, shift, sums);
    }
}
