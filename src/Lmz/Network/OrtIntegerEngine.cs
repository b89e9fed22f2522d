using Microsoft.ML.OnnxRuntime;

namespace Lmz.Network;

/// <summary>
/// The integer network run by ONNX Runtime from model.int.onnx, one token per call; this engine
/// keeps the key/value cache and passes the used part in. The graph holds only integer ops (and
/// an exact square root), so any ORT build on any CPU computes the native engine's integers.
/// Slower than <see cref="NativeIntegerEngine"/>: the graph has several hundred small nodes.
/// </summary>
internal sealed class OrtIntegerEngine : INetworkEngine
{
    private readonly IntegerNetworkSpec _s;
    private readonly InferenceSession _graph;
    private readonly int[][] _keys;   // per layer [head][position][headDim]
    private readonly int[][] _values;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    public OrtIntegerEngine(IntegerNetworkSpec spec, InferenceSession graph)
    {
        (_s, _graph) = (spec, graph);
        _keys = new int[spec.Layers][];
        _values = new int[spec.Layers][];
        for (int l = 0; l < spec.Layers; l++)
        {
            _keys[l] = new int[spec.Heads * spec.Context * spec.HeadDim];
            _values[l] = new int[spec.Heads * spec.Context * spec.HeadDim];
        }
        Logits = new float[spec.VocabSize];
        Hidden = new float[spec.DModel];
        _inputNames = ["token", "position", .. Enumerable.Range(0, spec.Layers).SelectMany(l => new[] { $"past_key_{l}", $"past_value_{l}" })];
        _outputNames = ["logits", "hidden", .. Enumerable.Range(0, spec.Layers).SelectMany(l => new[] { $"key_{l}", $"value_{l}" })];
    }

    /// <summary>Loads the graph with options that keep it as written: basic optimisations only, one thread.</summary>
    public static InferenceSession LoadGraph(string graphPath)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        return new InferenceSession(graphPath, options);
    }

    public int Length { get; private set; }

    public float[] Logits { get; }

    public float[] Hidden { get; }

    public void Reset() => Length = 0;

    public void Run(ReadOnlySpan<int> tokens)
    {
        if (tokens.IsEmpty) throw new ArgumentException("no tokens to run", nameof(tokens));
        if (Length + tokens.Length > _s.Context) throw new InvalidOperationException("the network's window is full");
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)_s.VocabSize) throw new ArgumentOutOfRangeException(nameof(tokens), "token outside the vocabulary");
            Step(tokens[i], i == tokens.Length - 1);
            Length++;
        }
    }

    public void RunRows(ReadOnlySpan<int> tokens, float[] logits, float[] hidden)
    {
        if (logits.Length < tokens.Length * _s.VocabSize || hidden.Length < tokens.Length * _s.DModel)
            throw new ArgumentException("output buffers shorter than the rows");
        // One token per call here as in Run: the graph runs one position at a time.
        for (int r = 0; r < tokens.Length; r++)
        {
            Run(tokens.Slice(r, 1));
            Logits.CopyTo(logits, r * _s.VocabSize);
            Hidden.CopyTo(hidden, r * _s.DModel);
        }
    }

    private void Step(int token, bool output)
    {
        int heads = _s.Heads, dh = _s.HeadDim, ctx = _s.Context, p = Length;
        var inputs = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(new long[] { token }, [1]),
            OrtValue.CreateTensorValueFromMemory(new long[] { p }, [1]),
        };
        try
        {
            for (int l = 0; l < _s.Layers; l++)
                foreach (var cache in new[] { _keys[l], _values[l] })
                {
                    // Never an empty array: ORT refuses a tensor whose memory pointer is null, which
                    // an empty managed array gives; an empty slice of a real array keeps the shape P = 0.
                    var past = new int[Math.Max(1, heads * p * dh)];
                    for (int h = 0; h < heads; h++) Array.Copy(cache, h * ctx * dh, past, h * p * dh, p * dh);
                    inputs.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, past.AsMemory(0, heads * p * dh), [heads, p, dh]));
                }
            using var outputs = _graph.Run(_runOptions, _inputNames, inputs, _outputNames);
            for (int l = 0; l < _s.Layers; l++)
            {
                var key = outputs[2 + 2 * l].GetTensorDataAsSpan<int>();
                var value = outputs[3 + 2 * l].GetTensorDataAsSpan<int>();
                for (int h = 0; h < heads; h++)
                {
                    key.Slice(h * dh, dh).CopyTo(_keys[l].AsSpan((h * ctx + p) * dh, dh));
                    value.Slice(h * dh, dh).CopyTo(_values[l].AsSpan((h * ctx + p) * dh, dh));
                }
            }
            if (!output) return;
            var (logits, hidden) = (Logits, Hidden);
            var l64 = outputs[0].GetTensorDataAsSpan<long>();
            float logitUnit = 1f / (1 << _s.LogitBits);
            for (int n = 0; n < _s.VocabSize; n++) logits[n] = l64[n] * logitUnit;
            var h64 = outputs[1].GetTensorDataAsSpan<long>();
            float hiddenUnit = 1f / (1 << _s.HiddenBits);
            for (int i = 0; i < _s.DModel; i++) hidden[i] = h64[i] * hiddenUnit;
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    }

    public void Dispose() => _runOptions.Dispose();
}
