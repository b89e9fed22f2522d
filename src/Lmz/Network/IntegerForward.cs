using System.Numerics;

namespace Lmz.Network;

/// <summary>
/// The integer network's arithmetic (docs/INTNET.md) over a batch of rows: each row is one token
/// of one stream at its position. Phases alternate between per-row work (LayerNorm, attention,
/// quantization; rows dealt round-robin to the members) and weight products (each member takes a
/// contiguous range of 64-output blocks for every row), with a barrier between phases. Every
/// value is an integer computed the same way whichever member computes it.
/// </summary>
internal sealed unsafe class IntegerForward
{
    private readonly IntegerNetworkWeights _w;
    private readonly IntegerNetworkSpec _s;
    private readonly KernelPath _path;
    private readonly int _d, _ff, _wide;

    // Per row of the batch (grown on demand, then reused).
    private Row[] _rows = [];
    private int[] _h = [];       // residual stream [row][d], units 2^-ResidualBits
    private sbyte[] _q = [];     // int8 codes of the next product's input [row][ff]
    private long[] _r = [];      // each row's requantization factor
    private int[] _acc = [];     // products [row][3d or ff]
    private int[] _g = [];       // q part of qkv, then GELU outputs [row][ff]
    private int[] _outputAcc = []; // output-layer products [output row][vocab]
    private int[] _outputRows = [];
    private int _rowCount, _outputCount;

    private struct Row
    {
        public NativeIntegerEngine Stream;
        public int Token, Position;
        public bool Output;
    }

    public IntegerForward(IntegerNetworkWeights weights, KernelPath path)
    {
        (_w, _s, _path) = (weights, weights.Spec, path);
        (_d, _ff) = (_s.DModel, _s.FeedForward);
        _wide = Math.Max(3 * _d, _ff);
        int dh = _s.HeadDim, ctx = _s.Context;
        _keyOffset = new int[_d];
        _valueOffset = new int[_d];
        for (int n = 0; n < _d; n++)
        {
            _keyOffset[n] = n / dh * ctx * dh + n % dh;
            _valueOffset[n] = n / dh * ctx * dh + Int8Kernels.ValueIndex(0, n % dh, dh);
        }
    }

    // Where output n of the keys (values) goes in a stream's layer cache, relative to its position's row.
    private readonly int[] _keyOffset, _valueOffset;

    public IntegerNetworkSpec Spec => _s;

    /// <summary>Member <paramref name="member"/>'s part of one step of every member's pending tokens.</summary>
    public void Run(List<NativeIntegerEngine> batch, int member, SpinBarrier barrier, ref int sense)
    {
        int members = batch.Count;
        if (member == 0) Layout(batch);
        barrier.SignalAndWait(ref sense);
        var scratch = batch[member].Scratch;
        for (int r = member; r < _rowCount; r += members) EmbedAndNormalize(r, scratch);
        barrier.SignalAndWait(ref sense);
        for (int l = 0; l < _s.Layers; l++)
        {
            var layer = _w.Layers[l];
            Products(layer.Qkv, member, members, Store.QueryKeyValue, l, scratch);
            barrier.SignalAndWait(ref sense);
            for (int r = member; r < _rowCount; r += members) Attend(r, l, scratch);
            barrier.SignalAndWait(ref sense);
            Products(layer.Proj, member, members, Store.Residual, l, scratch);
            barrier.SignalAndWait(ref sense);
            for (int r = member; r < _rowCount; r += members) _r[r] = LayerNormQuantize(r, scratch);
            barrier.SignalAndWait(ref sense);
            Products(layer.Fc, member, members, Store.Gelu, l, scratch);
            barrier.SignalAndWait(ref sense);
            for (int r = member; r < _rowCount; r += members) _r[r] = Quantize(_g.AsSpan(r * _ff, _ff), _q.AsSpan(r * _ff, _ff));
            barrier.SignalAndWait(ref sense);
            Products(layer.FcOut, member, members, Store.Residual, l, scratch);
            barrier.SignalAndWait(ref sense);
            bool last = l == _s.Layers - 1;
            for (int r = member; r < _rowCount; r += members)
                if (!last || _rows[r].Output) _r[r] = LayerNormQuantize(r, scratch);
            barrier.SignalAndWait(ref sense);
        }
        OutputLayer(member, members, scratch);
        barrier.SignalAndWait(ref sense); // the last statement: nothing shared is read after it
    }

    /// <summary>Lays the pending tokens of every member out as rows (member 0, before the first barrier).</summary>
    private void Layout(List<NativeIntegerEngine> batch)
    {
        int rows = 0, outputs = 0;
        foreach (var m in batch) { rows += m.PendingCount; outputs++; }
        if (_rows.Length < rows)
        {
            int capacity = Math.Max(rows, 2 * _rows.Length);
            _rows = new Row[capacity];
            _h = new int[capacity * _d];
            _q = new sbyte[capacity * _ff];
            _r = new long[capacity];
            _acc = new int[capacity * _wide];
            _g = new int[capacity * _ff];
        }
        if (_outputRows.Length < outputs)
        {
            _outputRows = new int[outputs];
            _outputAcc = new int[outputs * _s.VocabSize];
        }
        int at = 0, o = 0;
        foreach (var m in batch)
        {
            for (int i = 0; i < m.PendingCount; i++)
                _rows[at++] = new Row { Stream = m, Token = m.PendingTokens[i], Position = m.Length + i, Output = i == m.PendingCount - 1 };
            _outputRows[o++] = at - 1;
        }
        (_rowCount, _outputCount) = (rows, outputs);
    }

    private void EmbedAndNormalize(int r, Scratch scratch)
    {
        ref var row = ref _rows[r];
        var h = _h.AsSpan(r * _d, _d);
        var e = _w.Embedding.AsSpan(row.Token * _d, _d);
        var p = _w.Positions.AsSpan(row.Position * _d, _d);
        for (int i = 0; i < _d; i++) h[i] = e[i] + p[i];
        _r[r] = LayerNormQuantize(r, scratch);
    }

    private enum Store { QueryKeyValue, Residual, Gelu }

    /// <summary>
    /// This member's blocks of a weight product for every row; each output is requantized,
    /// y = (acc · r · C + B) >> shift, and stored by <paramref name="store"/>.
    /// </summary>
    private void Products(Int8Matrix m, int member, int members, Store store, int layer, Scratch scratch)
    {
        int blocks = m.Outputs / Int8Matrix.BlockOutputs;
        int first = blocks * member / members, end = blocks * (member + 1) / members;
        if (first == end) return;
        Int8Kernels.MatMul(_q, _ff, _rowCount, m, _acc, _wide, first, end, _path);
        int from = first * Int8Matrix.BlockOutputs, to = end * Int8Matrix.BlockOutputs;
        int clamp = _s.ClampResidual, range = _s.GeluRange, act = IntegerNetworkSpec.ClampActivation, kv = IntegerNetworkSpec.KeyValueMax;
        var y = scratch.Requantized;
        for (int r = 0; r < _rowCount; r++)
        {
            Int8Kernels.Requantize(_acc.AsSpan(r * _wide, m.Outputs), _r[r], m.Multipliers, m.Biases, m.Shift, y, from, to);
            switch (store)
            {
                case Store.QueryKeyValue:
                    var stream = _rows[r].Stream;
                    int position = _rows[r].Position, n = from;
                    var g = _g.AsSpan(r * _ff, _d);
                    for (; n < Math.Min(to, _d); n++) g[n] = (int)Math.Clamp(y[n], -act, act);
                    var keys = stream.KeyRow(layer, position);
                    for (; n < Math.Min(to, 2 * _d); n++) keys[_keyOffset[n - _d]] = (short)Math.Clamp(y[n], -kv, kv);
                    var values = stream.ValueRow(layer, position);
                    for (; n < to; n++) values[_valueOffset[n - 2 * _d]] = (short)Math.Clamp(y[n], -kv, kv);
                    break;
                case Store.Residual:
                    var h = _h.AsSpan(r * _d, _d);
                    for (int i = from; i < to; i++) h[i] = (int)Math.Clamp(h[i] + y[i], -clamp, clamp);
                    break;
                default:
                    var u = _g.AsSpan(r * _ff, _ff);
                    var table = _w.GeluTable;
                    for (int i = from; i < to; i++)
                    {
                        long x = y[i];
                        u[i] = x > range ? (int)Math.Min(x, act) : table[(int)Math.Max(x, -range) + range];
                    }
                    break;
            }
        }
    }

    /// <summary>Softmax attention of every head of row r over its stream's cache 0..position; leaves Q(output) in the row.</summary>
    private void Attend(int r, int layer, Scratch scratch)
    {
        ref var row = ref _rows[r];
        int dh = _s.HeadDim, count = row.Position + 1;
        var k = _s.Blocks[layer];
        int z = k.ScoreShift, last = _s.ExpSize - 1, ps = _s.ProbShift, pb = _s.ProbBits;
        long half = 1L << (z - 1);
        fixed (short* q16 = scratch.Query)
        fixed (int* dots = scratch.Dots)
        fixed (int* output = scratch.Attention)
        fixed (sbyte* codes = scratch.Codes)
        fixed (int* exp = _w.ExpTable)
        {
            for (int head = 0; head < _s.Heads; head++)
            {
                long mq = Quantize(_g.AsSpan(r * _ff + head * dh, dh), new Span<sbyte>(codes, dh));
                for (int i = 0; i < dh; i++) q16[i] = codes[i];
                int max;
                fixed (short* keys = row.Stream.Keys(layer, head))
                    max = Int8Kernels.KeyDots(q16, keys, count, dh, dots, _path);
                long a = mq * k.ScoreMultiplier, sum = 0;
                for (int j = 0; j < count; j++)
                {
                    long index = Math.Min(((max - (long)dots[j]) * a + half) >> z, last);
                    sum += dots[j] = exp[index];
                }
                long rp = (1L << (pb + ps)) / sum, round = 1L << (ps - 1);
                for (int j = 0; j < count; j++) dots[j] = (int)((dots[j] * rp + round) >> ps);
                int* o = output + head * dh;
                fixed (short* values = row.Stream.Values(layer, head))
                    Int8Kernels.WeightedValues(dots, count, values, dh, o, _path);
                for (int i = 0; i < dh; i++) o[i] = (o[i] + (1 << (pb - 1))) >> pb;
            }
        }
        _r[r] = Quantize(scratch.Attention.AsSpan(0, _d), _q.AsSpan(r * _ff, _d));
    }

    /// <summary>Output rows: final LayerNorm and hidden state (per row), then the tied output layer (by blocks).</summary>
    private void OutputLayer(int member, int members, Scratch scratch)
    {
        var o = _w.Output;
        float hiddenUnit = 1f / (1 << _s.HiddenBits);
        for (int i = member; i < _outputCount; i += members)
        {
            int r = _outputRows[i];
            var hidden = _rows[r].Stream.Hidden;
            long rr = _r[r];
            var q = _q.AsSpan(r * _ff, _d);
            for (int j = 0; j < _d; j++) hidden[j] = ((q[j] * rr * _w.HiddenGain[j] + _w.HiddenBias[j]) >> _s.HiddenShift) * hiddenUnit;
        }
        int blocks = o.Outputs / Int8Matrix.BlockOutputs;
        int first = blocks * member / members, end = blocks * (member + 1) / members;
        float logitUnit = 1f / (1 << _s.LogitBits);
        int v = _s.VocabSize, from = first * Int8Matrix.BlockOutputs, to = end * Int8Matrix.BlockOutputs;
        var y = scratch.Requantized;
        // Every output row in one product, so each member reads its share of the weights once.
        var codes = scratch.OutputCodes(_outputCount, _d);
        for (int i = 0; i < _outputCount; i++) _q.AsSpan(_outputRows[i] * _ff, _d).CopyTo(codes.AsSpan(i * _d));
        Int8Kernels.MatMul(codes, _d, _outputCount, o, _outputAcc, v, first, end, _path);
        for (int i = 0; i < _outputCount; i++)
        {
            int r = _outputRows[i];
            Int8Kernels.Requantize(_outputAcc.AsSpan(i * v, v), _r[r], o.Multipliers, o.Biases, o.Shift, y, from, to);
            var logits = _rows[r].Stream.Logits;
            for (int n = from; n < to; n++) logits[n] = (int)Math.Clamp(y[n], -IntegerNetworkSpec.ClampLogit, IntegerNetworkSpec.ClampLogit) * logitUnit;
        }
    }

    /// <summary>
    /// LayerNorm folded into the next product: centres row r's residual, writes Q(c) into the
    /// row's codes and returns r = floor(m · 2^rho / s), s = ⌊√(Σc² + d·ε)⌋.
    /// </summary>
    private long LayerNormQuantize(int r, Scratch scratch)
    {
        var h = _h.AsSpan(r * _d, _d);
        var c = scratch.Centred.AsSpan(0, _d);
        long sum = 0;
        foreach (int v in h) sum += v;
        int mean = (int)(sum >> BitOperations.Log2((uint)_d));
        long squares = 0;
        for (int i = 0; i < _d; i++)
        {
            int x = c[i] = h[i] - mean;
            squares += (long)x * x;
        }
        long s = IntegerSqrt(squares + _d * _s.Epsilon);
        long m = Quantize(c, _q.AsSpan(r * _ff, _d));
        return (m << _s.RhoBits) / s;
    }

    /// <summary>Q(x): int8 codes floor((x · ⌊127·2^24/m⌋ + 2^23) / 2^24), m = max(|x|, 1); returns m.</summary>
    private long Quantize(ReadOnlySpan<int> x, Span<sbyte> codes)
    {
        int m = Int8Kernels.PeakMagnitude(x);
        Int8Kernels.QuantizeCodes(x, (127L << _s.RowShift) / m, _s.RowShift, codes);
        return m;
    }

    /// <summary>⌊√v⌋ exactly: the correctly rounded double square root, then corrected by integer tests.</summary>
    internal static long IntegerSqrt(long v)
    {
        long s = (long)Math.Sqrt(v);
        while (s * s > v) s--;
        while ((s + 1) * (s + 1) <= v) s++;
        return s;
    }

    /// <summary>A member's own buffers for per-row work.</summary>
    internal sealed class Scratch(IntegerNetworkSpec spec)
    {
        public readonly int[] Centred = new int[spec.DModel];
        public readonly short[] Query = new short[spec.HeadDim];
        public readonly sbyte[] Codes = new sbyte[spec.HeadDim];
        public readonly int[] Dots = new int[spec.Context];
        public readonly int[] Attention = new int[spec.DModel];
        public readonly long[] Requantized = new long[Math.Max(spec.VocabSize, Math.Max(3 * spec.DModel, 4 * spec.DModel))];
        private sbyte[] _outputCodes = [];

        /// <summary>Room for the codes of <paramref name="rows"/> output rows of width <paramref name="width"/>.</summary>
        public sbyte[] OutputCodes(int rows, int width)
        {
            if (_outputCodes.Length < rows * width) _outputCodes = new sbyte[rows * width];
            return _outputCodes;
        }
    }
}
