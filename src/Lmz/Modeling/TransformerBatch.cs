using Lmz.Coding;
using Microsoft.ML.OnnxRuntime;

namespace Lmz.Modeling;

/// <summary>
/// B streams stepped through the transformer in lockstep, one token per stream per Run.
/// When the cache is full, every row is re-primed with its last <see cref="KeepTokens"/> tokens
/// at positions 0.. in one multi-token Run: a rule that depends on the position only, so
/// compressor and decompressor make identical calls. The graph (models/training/fuse.py) reads
/// and writes one fixed [B,H,ctx,Dh] key and value buffer per layer in place (its past and
/// present tensors are bound to the same memory), so a step copies no cache. Buffers and
/// OrtValues are allocated once. lmz codes every stream with a batch of one
/// (<see cref="TransformerTokenModel"/>); larger batches serve the tests and benchmarks.
/// </summary>
public sealed class TransformerBatch : IDisposable
{
    private readonly TransformerConfig _c;
    private readonly InferenceSession _session;
    private readonly int _batch;
    private readonly OrtValue[] _caches; // past_key_i, past_value_i per layer, shared with present_*
    private readonly int[] _seqlens;     // seqlens_k [B]: the step's last position, per row
    private readonly int[] _total = new int[1];
    private readonly OrtValue _seqlensValue;
    private readonly OrtValue _totalValue;
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
        long[] cacheShape = [batch, _c.Heads, _c.Context, _c.HeadDim];
        _caches = Enumerable.Range(0, 2 * _c.Layers)
            .Select(_ => OrtValue.CreateTensorValueFromMemory(new float[batch * _c.Heads * _c.Context * _c.HeadDim], cacheShape))
            .ToArray();
        _seqlens = new int[batch];
        _seqlensValue = OrtValue.CreateTensorValueFromMemory(_seqlens, [batch]);
        _totalValue = OrtValue.CreateTensorValueFromMemory(_total, []);
        _step = new RunShape(this, 1);
        _refill = new RunShape(this, KeepTokens);
        _history = new int[batch][];
        for (int b = 0; b < batch; b++) _history[b] = new int[_c.Context];
        Predictors = Enumerable.Range(0, batch).Select(b => new Row(this, b)).ToArray();
    }

    public int KeepTokens { get; }

    /// <summary>Per-stream views: row b's <see cref="ITokenPredictor.Predict"/> reads its logits.</summary>
    public ITokenPredictor[] Predictors { get; }

    private bool HasLogits { get; set; }

    /// <summary>
    /// Feeds each row's previous token (ignored at position 0, which starts the streams) so that
    /// the rows' predictors can then read the network's outputs for <paramref name="position"/>.
    /// </summary>
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
            for (int b = 0; b < _batch; b++)
                Array.Copy(_history[b], _c.Context - KeepTokens, _history[b], 0, KeepTokens);
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

    /// <summary>Runs a shape's tokens at positions at..at+S-1; the graph writes their keys and values into the caches.</summary>
    private void Run(RunShape shape, int at)
    {
        for (int i = 0; i < shape.Length; i++) shape.Positions[i] = at + i;
        Array.Fill(_seqlens, at + shape.Length - 1);
        _total[0] = at + shape.Length;
        _session.RunWithBinding(_runOptions, shape.Binding);
    }

    public void Dispose()
    {
        _step.Dispose(); // the shapes' bindings first: they refer to the shared inputs
        _refill.Dispose();
        foreach (var value in _caches) value.Dispose();
        _seqlensValue.Dispose();
        _totalValue.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>
    /// Pinned input/output buffers for one sequence length, bound once to the graph's names with
    /// the batch's shared inputs (sequence lengths, caches): CPU tensors over our own memory are
    /// read and written in place, so a bound run allocates nothing.
    /// </summary>
    private sealed class RunShape : IDisposable
    {
        private readonly OrtValue[] _owned;

        public RunShape(TransformerBatch owner, int length)
        {
            var c = owner._c;
            int batch = owner._batch;
            Length = length;
            Ids = new long[batch * length];
            Positions = new long[length];
            Logits = new float[(long)batch * c.VocabSize]; // the graph returns the last position only
            Hidden = new float[(long)batch * c.DModel];
            _owned =
            [
                OrtValue.CreateTensorValueFromMemory(Ids, [batch, length]),
                OrtValue.CreateTensorValueFromMemory(Positions, [length]),
                OrtValue.CreateTensorValueFromMemory(Logits, [batch, 1, c.VocabSize]),
                OrtValue.CreateTensorValueFromMemory(Hidden, [batch, 1, c.DModel]),
            ];
            Binding = owner._session.CreateIoBinding();
            Binding.BindInput("input_ids", _owned[0]);
            Binding.BindInput("positions", _owned[1]);
            Binding.BindInput("seqlens_k", owner._seqlensValue);
            Binding.BindInput("total_sequence_length", owner._totalValue);
            Binding.BindOutput("logits", _owned[2]);
            Binding.BindOutput("hidden", _owned[3]);
            for (int l = 0; l < c.Layers; l++)
            {
                var (key, value) = (owner._caches[2 * l], owner._caches[2 * l + 1]);
                Binding.BindInput($"past_key_{l}", key);
                Binding.BindInput($"past_value_{l}", value);
                Binding.BindOutput($"present_key_{l}", key);
                Binding.BindOutput($"present_value_{l}", value);
            }
        }

        public int Length { get; }
        public long[] Ids { get; }
        public long[] Positions { get; }
        public float[] Logits { get; }
        public float[] Hidden { get; }
        public OrtIoBinding Binding { get; }

        public void Dispose()
        {
            Binding.Dispose();
            foreach (var value in _owned) value.Dispose();
        }
    }

    /// <summary>One stream's view of the batch: its logits as log-scores (all zero before the first token).</summary>
    private sealed class Row(TransformerBatch owner, int row) : ITokenPredictor, IHiddenStateSource
    {
        public int HiddenSize => owner._c.DModel;

        public ReadOnlySpan<float> Hidden =>
            owner.HasLogits ? owner._step.Hidden.AsSpan(row * owner._c.DModel, owner._c.DModel) : default;

        public void Predict(TokenScores scores)
        {
            if (!owner.HasLogits) { scores.BeginSparse(); return; }
            // Lent, not copied: the logits stay put until the next Step, after every update.
            scores.UseDense(owner._step.Logits, row * scores.Dense.Length);
        }

        public void Update(int token) { } // the batch feeds tokens in Step
    }
}
