using System.Text.Json;

namespace Lmz.Network;

/// <summary>
/// The fixed-point constants of the integer network (model.int.json, written by
/// models/training/intnet.py; the arithmetic is specified in docs/INTNET.md). Both engines read
/// the same file, so a constant can never differ between them.
/// </summary>
internal sealed record IntegerNetworkSpec(
    string Name, int VocabSize, int DModel, int Heads, int HeadDim, int Layers, int Context,
    int ResidualBits, long Epsilon, int ClampResidual, int RowShift, int RhoBits,
    int ExpBits, int ExpSize, int ProbBits, int ProbShift, int GeluBits, int GeluRange,
    int LogitBits, int HiddenBits, int HiddenShift, int OutShift,
    IntegerNetworkSpec.LayerConstants[] Blocks,
    IReadOnlyDictionary<string, IntegerNetworkSpec.TensorLocation> Tensors)
{
    public const string FileName = "model.int.json";
    public const string DataFile = "model.int.data";
    public const string GraphFile = "model.int.onnx";

    /// <summary>The only specification this lmz computes; a bundle naming another is refused.</summary>
    public const string SupportedSpec = "lmz-int8-v1";

    /// <summary>q and the GELU output are clamped to ±2^20; keys and values to ±32767 (int16).</summary>
    public const int ClampActivation = 1 << 20;

    public const int KeyValueMax = 32767;

    /// <summary>Logits are clamped to ±2^24, so every one is exact as a float.</summary>
    public const int ClampLogit = 1 << 24;

    public int FeedForward => 4 * DModel;

    public sealed record LayerConstants(long ScoreMultiplier, int ScoreShift, int QkvShift, int ProjShift, int FcShift, int FcOutShift);

    public sealed record TensorLocation(string Type, int[] Shape, long Offset, long Length);

    public static IntegerNetworkSpec Read(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            int I(string name) => r.GetProperty(name).GetInt32();
            string spec = r.GetProperty("spec").GetString() ?? "";
            if (spec != SupportedSpec)
                throw new InvalidDataException($"{path}: integer network '{spec}' is not the one this lmz computes ({SupportedSpec})");
            var layers = r.GetProperty("layers").EnumerateArray().Select(l => new LayerConstants(
                l.GetProperty("score_mult").GetInt64(), l.GetProperty("score_shift").GetInt32(), l.GetProperty("qkv_shift").GetInt32(),
                l.GetProperty("proj_shift").GetInt32(), l.GetProperty("fc_shift").GetInt32(), l.GetProperty("fc_out_shift").GetInt32())).ToArray();
            var tensors = new Dictionary<string, TensorLocation>();
            foreach (var t in r.GetProperty("tensors").EnumerateObject())
                tensors[t.Name] = new TensorLocation(t.Value.GetProperty("type").GetString()!,
                    t.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                    t.Value.GetProperty("offset").GetInt64(), t.Value.GetProperty("length").GetInt64());
            var result = new IntegerNetworkSpec(spec, I("vocab_size"), I("d_model"), I("heads"), I("head_dim"), I("layers_count"), I("context"),
                I("residual_bits"), r.GetProperty("eps").GetInt64(), I("clamp_residual"), I("row_shift"), I("rho_bits"),
                I("exp_bits"), I("exp_size"), I("prob_bits"), I("prob_shift"), I("gelu_bits"), I("gelu_range"),
                I("logit_bits"), I("hidden_bits"), I("hidden_shift"), I("out_shift"), layers, tensors);
            if (layers.Length != result.Layers || result.Heads * result.HeadDim != result.DModel || (result.DModel & (result.DModel - 1)) != 0)
                throw new InvalidDataException($"{path}: inconsistent network shape");
            return result;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a valid integer network description ({e.Message})", e);
        }
    }
}
