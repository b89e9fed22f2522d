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
    private readonly float[] _cache;
    private readonly OrtValue _cacheValue;
    private readonly long[] _position = new long[1];
    private readonly OrtValue _positionValue;
    private readonly RunShape _step;
    private readonly RunShape _refill;
    private readonly int[][] _history;
    private readonly RunOptions _runOptions = new();
    private int _filled;

    public TransformerBatch(TransformerModel model, int batch, int threads, int keptContextEighths = 4)
    {
        _c = model.Config;
        _session = model.Session(threads);
        _batch = batch;
        KeepTokens = _c.Context * keptContextEighths / 8;
        _cache = new float[(long)_c.Layers * 2 * batch * _c.Heads * _c.Context * _c.HeadDim];
        _cacheValue = OrtValue.CreateTensorValueFromMemory(_cache, [_c.Layers, 2, batch, _c.Heads, _c.Context, _c.HeadDim]);
        _positionValue = OrtValue.CreateTensorValueFromMemory(_position, [1]);
        _step = new RunShape(_c, batch, 1);
        _refill = new RunShape(_c, batch, KeepTokens);
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
        _session.Run(_runOptions, InputNames, [shape.IdsValue, _cacheValue, _positionValue], OutputNames,
            [shape.LogitsValue, shape.NewKvValue, shape.HiddenValue]);
        // Copy the new keys/values [L,2,B,H,S,Dh] into the cache [L,2,B,H,N,Dh] at position `at`.
        int s = shape.Length, dh = _c.HeadDim, n = _c.Context;
        int rows = _c.Layers * 2 * _batch * _c.Heads;
        for (int r = 0; r < rows; r++)
            Array.Copy(shape.NewKv, (long)r * s * dh, _cache, ((long)r * n + at) * dh, (long)s * dh);
        if (shape.Length > 1)
        {
            // History after a refill: the kept tokens now sit at 0..KeepTokens-1.
            for (int b = 0; b < _batch; b++)
                Array.Copy(_history[b], _c.Context - KeepTokens, _history[b], 0, KeepTokens);
        }
    }

    private static readonly string[] InputNames = ["input_ids", "cache", "position"];
    private static readonly string[] OutputNames = ["logits", "new_kv", "hidden"];

    public void Dispose()
    {
        _cacheValue.Dispose();
        _positionValue.Dispose();
        _step.Dispose();
        _refill.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>Pinned input/output buffers for one sequence length.</summary>
    private sealed class RunShape : IDisposable
    {
        public RunShape(TransformerConfig c, int batch, int length)
        {
            Length = length;
            Ids = new long[batch * length];
            Logits = new float[(long)batch * length * c.VocabSize];
            NewKv = new float[(long)c.Layers * 2 * batch * c.Heads * length * c.HeadDim];
            Hidden = new float[(long)batch * length * c.DModel];
            IdsValue = OrtValue.CreateTensorValueFromMemory(Ids, [batch, length]);
            LogitsValue = OrtValue.CreateTensorValueFromMemory(Logits, [batch, length, c.VocabSize]);
            NewKvValue = OrtValue.CreateTensorValueFromMemory(NewKv, [c.Layers, 2, batch, c.Heads, length, c.HeadDim]);
            HiddenValue = OrtValue.CreateTensorValueFromMemory(Hidden, [batch, length, c.DModel]);
        }

        public int Length { get; }
        public long[] Ids { get; }
        public float[] Logits { get; }
        public float[] NewKv { get; }
        public float[] Hidden { get; }
        public OrtValue IdsValue { get; }
        public OrtValue LogitsValue { get; }
        public OrtValue NewKvValue { get; }
        public OrtValue HiddenValue { get; }

        public void Dispose()
        {
            IdsValue.Dispose();
            LogitsValue.Dispose();
            NewKvValue.Dispose();
            HiddenValue.Dispose();
        }
    }

    /// <summary>One stream's view of the batch: its logits as log-scores (all zero before the first token).</summary>
    private sealed class Row(TransformerBatch owner, int row) : ITokenPredictor
    {
        public void Predict(TokenScores scores)
        {
            if (!owner.HasLogits) { scores.BeginSparse(); return; }
            int v = scores.Dense.Length;
            owner._step.Logits.AsSpan(row * v, v).CopyTo(scores.BeginDense());
        }

        public void Update(int token) { } // the batch feeds tokens in Step
    }
}
