using Lmz.Coding;
using Microsoft.ML.OnnxRuntime;

namespace Lmz.Modeling;

/// <summary>
/// B streams stepped through the transformer in lockstep, one token per stream per Run.
/// When the cache is full, every row is re-primed with its last <see cref="KeepTokens"/> tokens
/// at positions 0.. in one multi-token Run: a rule that depends on the position only, so
/// compressor and decompressor make identical calls. Buffers and OrtValues are allocated once.
/// </summary>
public sealed class TransformerBatch : ITokenBatchStep, IDisposable
{
    private readonly TransformerConfig _c;
    private readonly InferenceSession _session;
    private readonly int _batch;
    private readonly float[][] _keys;   // per layer [B,H,Dh,N]: keys stored transposed
    private readonly float[][] _values; // per layer [B,H,N,Dh]
    private readonly OrtValue[] _cacheValues;
    private readonly long[] _position = new long[1];
    private readonly OrtValue _positionValue;
    private readonly RunShape _step;
    private readonly RunShape _refill;
    private readonly int[][] _history;
    private readonly RunOptions _runOptions = new();
    private int _filled;

    public TransformerBatch(TransformerModel model, int batch, int threads, int keptContextEighths)
    {
        _c = model.Config;
        _session = model.Session(threads);
        _batch = batch;
        KeepTokens = _c.Context * keptContextEighths / 8;
        int layerSize = batch * _c.Heads * _c.Context * _c.HeadDim;
        _keys = Enumerable.Range(0, _c.Layers).Select(_ => new float[layerSize]).ToArray();
        _values = Enumerable.Range(0, _c.Layers).Select(_ => new float[layerSize]).ToArray();
        _positionValue = OrtValue.CreateTensorValueFromMemory(_position, [1]);
        _cacheValues = [
            .. _keys.Select(k => OrtValue.CreateTensorValueFromMemory(k, [batch, _c.Heads, _c.HeadDim, _c.Context])),
            .. _values.Select(v => OrtValue.CreateTensorValueFromMemory(v, [batch, _c.Heads, _c.Context, _c.HeadDim])),
        ];
        _inputNames = ["input_ids", "position", .. Enumerable.Range(0, _c.Layers).Select(i => $"k_{i}"), .. Enumerable.Range(0, _c.Layers).Select(i => $"v_{i}")];
        OrtValue[] shared = [_positionValue, .. _cacheValues];
        _step = new RunShape(_c, batch, 1, _session, _inputNames, shared);
        _refill = new RunShape(_c, batch, KeepTokens, _session, _inputNames, shared);
        _history = new int[batch][];
        for (int b = 0; b < batch; b++) _history[b] = new int[_c.Context];
        Predictors = Enumerable.Range(0, batch).Select(b => new Row(this, b)).ToArray();
    }

    public int KeepTokens { get; }

    /// <summary>Per-stream views: row b's <see cref="ITokenPredictor.Predict"/> reads its logits.</summary>
    public ITokenPredictor[] Predictors { get; }

    private bool HasLogits { get; set; }

    public void Step(ReadOnlySpan<int> previousTokens, int position)
    {
        if (position == 0)
        {
            _filled = 0;
            HasLogits = false;
            return;
        }
        if (_filled == _c.Context)
        {
            // Re-prime with the KeepTokens tokens before the newest one.
            for (int b = 0; b < _batch; b++)
                for (int i = 0; i < KeepTokens; i++)
                    _refill.Ids[b * KeepTokens + i] = _history[b][_c.Context - KeepTokens + i];
            Run(_refill, 0);
            _filled = KeepTokens;
        }
        for (int b = 0; b < _batch; b++)
        {
            _step.Ids[b] = previousTokens[b];
            _history[b][_filled] = previousTokens[b];
        }
        Run(_step, _filled);
        _filled++;
        HasLogits = true;
    }

    private void Run(RunShape shape, int at)
    {
        _position[0] = at;
        _session.RunWithBinding(_runOptions, shape.Binding);
        // Store the new entries at positions at..at+S-1: new_k [L,B,H,Dh,S] into keys [B,H,Dh,N],
        // new_v [L,B,H,S,Dh] into values [B,H,N,Dh].
        int s = shape.Length, dh = _c.HeadDim, n = _c.Context, rows = _batch * _c.Heads;
        for (int l = 0; l < _c.Layers; l++)
        {
            var keys = _keys[l];
            var values = _values[l];
            int layerOffset = l * rows * dh * s;
            for (int r = 0; r < rows; r++)
            {
                for (int d = 0; d < dh; d++)
                    Array.Copy(shape.NewK, layerOffset + (r * dh + d) * s, keys, (r * dh + d) * n + at, s);
                Array.Copy(shape.NewV, layerOffset + r * s * dh, values, (r * n + at) * dh, s * dh);
            }
        }
        if (shape.Length > 1)
        {
            // History after a refill: the kept tokens now sit at 0..KeepTokens-1.
            for (int b = 0; b < _batch; b++)
                Array.Copy(_history[b], _c.Context - KeepTokens, _history[b], 0, KeepTokens);
        }
    }

    private readonly string[] _inputNames;
    private static readonly string[] OutputNames = ["logits", "new_k", "new_v", "hidden"];

    public void Dispose()
    {
        _step.Dispose(); // the shapes' bindings first: they refer to the shared inputs
        _refill.Dispose();
        foreach (var value in _cacheValues) value.Dispose();
        _positionValue.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>
    /// Pinned input/output buffers for one sequence length, bound once to the graph's names with
    /// the batch's shared inputs (position, caches): CPU tensors over our own memory are read and
    /// written in place, so a bound run allocates nothing (Run with name lists marshalled the
    /// names on every call, ~540 bytes per step).
    /// </summary>
    private sealed class RunShape : IDisposable
    {
        public RunShape(TransformerConfig c, int batch, int length, InferenceSession session, string[] inputNames, OrtValue[] sharedInputs)
        {
            Length = length;
            Ids = new long[batch * length];
            Logits = new float[(long)batch * length * c.VocabSize];
            NewK = new float[c.Layers * batch * c.Heads * length * c.HeadDim];
            NewV = new float[c.Layers * batch * c.Heads * length * c.HeadDim];
            Hidden = new float[(long)batch * length * c.DModel];
            IdsValue = OrtValue.CreateTensorValueFromMemory(Ids, [batch, length]);
            Outputs =
            [
                OrtValue.CreateTensorValueFromMemory(Logits, [batch, length, c.VocabSize]),
                OrtValue.CreateTensorValueFromMemory(NewK, [c.Layers, batch, c.Heads, c.HeadDim, length]),
                OrtValue.CreateTensorValueFromMemory(NewV, [c.Layers, batch, c.Heads, length, c.HeadDim]),
                OrtValue.CreateTensorValueFromMemory(Hidden, [batch, length, c.DModel]),
            ];
            Binding = session.CreateIoBinding();
            Binding.BindInput(inputNames[0], IdsValue);
            for (int i = 0; i < sharedInputs.Length; i++) Binding.BindInput(inputNames[1 + i], sharedInputs[i]);
            for (int i = 0; i < OutputNames.Length; i++) Binding.BindOutput(OutputNames[i], Outputs[i]);
        }

        public int Length { get; }
        public long[] Ids { get; }
        public float[] Logits { get; }
        public float[] NewK { get; }
        public float[] NewV { get; }
        public float[] Hidden { get; }

        /// <summary>input_ids over <see cref="Ids"/>; position and caches are the batch's.</summary>
        public OrtValue IdsValue { get; }
        public OrtValue[] Outputs { get; }
        public OrtIoBinding Binding { get; }

        public void Dispose()
        {
            Binding.Dispose();
            IdsValue.Dispose();
            foreach (var value in Outputs) value.Dispose();
        }
    }

    /// <summary>One stream's view of the batch: its logits as log-scores (all zero before the first token).</summary>
    private sealed class Row(TransformerBatch owner, int row) : ITokenPredictor
    {
        public void Predict(TokenScores scores)
        {
            if (!owner.HasLogits) { scores.BeginSparse(); return; }
            // Lent, not copied: the logits stay put until the next Step, after every update.
            scores.UseDense(owner._step.Logits, row * scores.Dense.Length);
        }

        public void Update(int token) { } // the batch feeds tokens in Step
    }
}
