using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Lmz.Modeling;

/// <summary>Shape of the exported network, read from model.json beside model.onnx.</summary>
public sealed record TransformerConfig(int VocabSize, int Layers, int DModel, int Heads, int HeadDim, int Context, long Params)
{
    public static TransformerConfig Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        return new TransformerConfig(r.GetProperty("vocab_size").GetInt32(), r.GetProperty("layers").GetInt32(),
            r.GetProperty("d_model").GetInt32(), r.GetProperty("heads").GetInt32(), r.GetProperty("head_dim").GetInt32(),
            r.GetProperty("ctx").GetInt32(), r.GetProperty("params").GetInt64());
    }
}

/// <summary>
/// The transformer, run by ONNX Runtime on the CPU execution provider with pinned session
/// options: sequential execution, all graph optimisations, one inter-op thread and a fixed
/// intra-op thread count per session. The graph (models/training/fuse.py) reads and writes
/// fixed-size key/value caches per layer in place, so every step reuses the same pinned buffers
/// and never copies the caches. (Measured: letting ORT's worker stop spinning between steps made
/// lmz -6 slower, 15.5 -> 19 s on alice29.txt.)
/// </summary>
public sealed class TransformerModel : IDisposable
{
    public const GraphOptimizationLevel OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
    private readonly string _path;
    private readonly Dictionary<int, InferenceSession> _sessions = [];
    private readonly Lock _lock = new();

    private TransformerModel(string path, TransformerConfig config)
    {
        _path = path;
        Config = config;
    }

    public TransformerConfig Config { get; }

    public static TransformerModel Load(string onnxPath, string configPath) => new(onnxPath, TransformerConfig.Read(configPath));

    /// <summary>ORT version and the CPU's vector class: float logits can differ between classes.</summary>
    public static string InferenceDescription => $"onnxruntime {OrtEnv.Instance().GetVersionString()}; cpu {CpuClass}";

    public static string CpuClass =>
        Avx512F.IsSupported ? "x64-avx512" : Avx2.IsSupported ? "x64-avx2" : Avx.IsSupported ? "x64-avx" :
        System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "arm64-neon" : "generic";

    /// <summary>A session with <paramref name="threads"/> intra-op threads (cached per count).</summary>
    internal InferenceSession Session(int threads)
    {
        lock (_lock)
        {
            if (_sessions.TryGetValue(threads, out var session)) return session;
            using var options = new SessionOptions
            {
                GraphOptimizationLevel = OptimizationLevel,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            return _sessions[threads] = new InferenceSession(_path, options);
        }
    }

    public void Dispose()
    {
        foreach (var s in _sessions.Values) s.Dispose();
        _sessions.Clear();
    }
}
