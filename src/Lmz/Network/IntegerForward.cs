using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lmz.Network;

/// <summary>
/// The integer network's arithmetic (docs/INTNET.md) over one stream's pending tokens, one row
/// each: phases alternate between per-row work (LayerNorm, attention, quantization) and weight
/// products over every row, so a re-prime of many tokens reads each matrix once. Each stream has
/// its own and runs it on its own thread: streams stepping together, sharing each pass over the
/// weights, measured slower on a CPU that streams the weights from L3 fast (MODEL.md).
/// </summary>
internal sealed unsafe partial class IntegerForward
{
    private readonly IntegerNetworkWeights _w;
    private readonly IntegerNetworkSpec _s;
    private readonly KernelPath _path;
    private readonly int _d, _ff, _wide;

    // Per row (pending token) of the step, grown on demand, then reused.
    private int[] _h = [];       // residual stream [row][d], units 2^-ResidualBits
    private sbyte[] _q = [];     // int8 codes of the next product's input [row][ff]
    private long[] _r = [];      // each row's requantization factor
    private int[] _acc = [];     // products [row][3d or ff]
    private int[] _g = [];       // q part of qkv, then GELU outputs [row][ff]
    private int[] _outputAcc;    // output-layer products [row][vocab] of the rows with outputs
    private readonly Scratch _scratch;
    private NativeIntegerEngine _stream = null!;
    private int _rowCount, _first; // rows, and the first row's position

    public IntegerForward(IntegerNetworkWeights weights, KernelPath path)
    {
        (_w, _s, _path) = (weights, weights.Spec, path);
        (_d, _ff) = (_s.DModel, _s.FeedForward);
        _wide = Math.Max(3 * _d, _ff);
        _outputAcc = new int[_s.VocabSize];
        _scratch = new Scratch(_s);
        int dh = _s.HeadDim, ctx = _s.Context;
        _keyOffset = new int[_d];
        _valueOffset = new int[_d];
        for (int n = 0; n < _d; n++)
        {
            _keyOffset[n] = n / dh * ctx * dh + Int8Kernels.KeyIndex(0, n % dh, dh);
            _valueOffset[n] = n / dh * ctx * dh + Int8Kernels.ValueIndex(0, n % dh, dh);
        }
    }

    // Where output n of the keys (values) goes in a stream's layer cache, relative to its position's row.
    private readonly int[] _keyOffset, _valueOffset;

    public IntegerNetworkSpec Spec => _s;

    /// <summary>
    /// One step of the stream's pending tokens: writes the last row's logits and hidden state into
    /// the stream's, or, given <paramref name="rowLogits"/> and <paramref name="rowHidden"/>,
    /// every row's into consecutive rows of those.
    /// </summary>
    public void Run(NativeIntegerEngine stream, float[]? rowLogits = null, float[]? rowHidden = null)
    {
        Layout(stream);
        int firstOutput = rowLogits != null ? 0 : _rowCount - 1; // after the last block only these rows are needed
        for (int r = 0; r < _rowCount; r++) EmbedAndNormalize(r);
        for (int l = 0; l < _s.Layers; l++)
        {
            var layer = _w.Layers[l];
            Products(layer.Qkv, Store.QueryKeyValue, l);
            for (int r = 0; r < _rowCount; r++) Attend(r, l);
            Products(layer.Proj, Store.Residual, l);
            for (int r = 0; r < _rowCount; r++) _r[r] = LayerNormQuantize(r);
            Products(layer.Fc, Store.Gelu, l);
            for (int r = 0; r < _rowCount; r++) _r[r] = Quantize(_g.AsSpan(r * _ff, _ff), _q.AsSpan(r * _ff, _ff));
            Products(layer.FcOut, Store.Residual, l);
            for (int r = l == _s.Layers - 1 ? firstOutput : 0; r < _rowCount; r++) _r[r] = LayerNormQuantize(r);
        }
        OutputLayer(firstOutput, _rowCount - firstOutput, rowLogits ?? stream.Logits, rowHidden ?? stream.Hidden);
    }

    /// <summary>Lays the stream's pending tokens out as rows.</summary>
    private void Layout(NativeIntegerEngine stream)
    {
        int rows = stream.PendingCount;
        if (_r.Length < rows)
        {
            int capacity = Math.Max(rows, 2 * _r.Length);
            _h = new int[capacity * _d];
            _q = new sbyte[capacity * _ff];
            _r = new long[capacity];
            _acc = new int[capacity * _wide];
            _g = new int[capacity * _ff];
        }
        (_stream, _rowCount, _first) = (stream, rows, stream.Length);
    }

    private void EmbedAndNormalize(int r)
    {
        var h = _h.AsSpan(r * _d, _d);
        var e = _w.Embedding.AsSpan(_stream.PendingTokens[r] * _d, _d);
        var p = _w.Positions.AsSpan((_first + r) * _d, _d);
        for (int i = 0; i < _d; i++) h[i] = e[i] + p[i];
        _r[r] = LayerNormQuantize(r);
    }

    private enum Store { QueryKeyValue, Residual, Gelu }

    /// <summary>
    /// A weight product for every row; each output is requantized, y = (acc · r · C + B) >> shift,
    /// and stored by <paramref name="store"/>: eight outputs at a time in int64 lanes where AVX2
    /// is there, one at a time otherwise, the same integers either way.
    /// </summary>
    private void Products(Int8Matrix m, Store store, int layer)
    {
        Int8Kernels.MatMul(_q, _ff, _rowCount, m, _acc, _wide, 0, m.Outputs / Int8Matrix.BlockOutputs, _path);
        for (int r = 0; r < _rowCount; r++)
        {
            if (_path >= KernelPath.Avx2) StoreEight(m, store, layer, r);
            else StoreOne(m, store, layer, r, _scratch.Requantized);
        }
    }

    /// <summary>The statement of <see cref="Products"/>' stores, one output at a time.</summary>
    private void StoreOne(Int8Matrix m, Store store, int layer, int r, long[] y)
    {
        int n = 0, to = m.Outputs;
        int clamp = _s.ClampResidual, range = _s.GeluRange, act = IntegerNetworkSpec.ClampActivation, kv = IntegerNetworkSpec.KeyValueMax;
        Int8Kernels.Requantize(_acc.AsSpan(r * _wide, m.Outputs), _r[r], m.Multipliers, m.Biases, m.Shift, y, 0, to);
        switch (store)
        {
            case Store.QueryKeyValue:
                var g = _g.AsSpan(r * _ff, _d);
                for (; n < _d; n++) g[n] = (int)Math.Clamp(y[n], -act, act);
                var keys = _stream.KeyRow(layer, _first + r);
                for (; n < 2 * _d; n++) keys[_keyOffset[n - _d]] = (short)Math.Clamp(y[n], -kv, kv);
                var values = _stream.ValueRow(layer, _first + r);
                for (; n < to; n++) values[_valueOffset[n - 2 * _d]] = (short)Math.Clamp(y[n], -kv, kv);
                break;
            case Store.Residual:
                var h = _h.AsSpan(r * _d, _d);
                for (; n < to; n++) h[n] = (int)Math.Clamp(h[n] + y[n], -clamp, clamp);
                break;
            default:
                var u = _g.AsSpan(r * _ff, _ff);
                var table = _w.GeluTable;
                for (; n < to; n++)
                {
                    long x = y[n];
                    u[n] = x > range ? (int)Math.Min(x, act) : table[(int)Math.Max(x, -range) + range];
                }
                break;
        }
    }

    /// <summary><see cref="StoreOne"/> eight outputs at a time (every width here is a multiple of 64).</summary>
    private void StoreEight(Int8Matrix m, Store store, int layer, int r)
    {
        int to = m.Outputs, shift = m.Shift, clamp = _s.ClampResidual, range = _s.GeluRange;
        const int act = IntegerNetworkSpec.ClampActivation, kv = IntegerNetworkSpec.KeyValueMax;
        var rv = Vector256.Create(_r[r]);
        fixed (int* acc = &_acc[r * _wide])
        fixed (long* c = m.Multipliers)
        fixed (long* b = m.Biases)
        {
            switch (store)
            {
                case Store.QueryKeyValue:
                    fixed (int* g = &_g[r * _ff])
                    fixed (short* keys = _stream.KeyRow(layer, _first + r))
                    fixed (short* values = _stream.ValueRow(layer, _first + r))
                    {
                        int n = 0;
                        for (; n < _d; n += 8) Int8Kernels.Requantize8(acc + n, rv, c + n, b + n, shift, -act, act).Store(g + n);
                        for (; n < 2 * _d; n += 8)
                        {
                            // Four pairs of dimensions, 16 entries apart (Int8Kernels.KeyIndex).
                            var k = Int8Kernels.Requantize8(acc + n, rv, c + n, b + n, shift, -kv, kv);
                            var pairs = Vector128.Narrow(k.GetLower(), k.GetUpper()).AsInt32();
                            int* at = (int*)(keys + _keyOffset[n - _d]);
                            (at[0], at[8], at[16], at[24]) = (pairs.GetElement(0), pairs.GetElement(1), pairs.GetElement(2), pairs.GetElement(3));
                        }
                        for (; n < to; n += 8)
                        {
                            var v = Int8Kernels.Requantize8(acc + n, rv, c + n, b + n, shift, -kv, kv);
                            var v16 = Vector128.Narrow(v.GetLower(), v.GetUpper());
                            short* at = values + _valueOffset[n - 2 * _d];
                            for (int i = 0; i < 8; i++) at[2 * i] = v16.GetElement(i); // pairs of positions interleave
                        }
                    }
                    break;
                case Store.Residual:
                    fixed (int* h = &_h[r * _d])
                    {
                        var (lo, hi) = (Vector256.Create((long)-clamp), Vector256.Create((long)clamp));
                        for (int n = 0; n < to; n += 8)
                        {
                            var (y0, y1) = Int8Kernels.Requantize8(acc + n, rv, c + n, b + n, shift);
                            var (h0, h1) = Vector256.Widen(Vector256.Load(h + n));
                            Vector256.Narrow(Vector256.Min(Vector256.Max(h0 + y0, lo), hi), Vector256.Min(Vector256.Max(h1 + y1, lo), hi)).Store(h + n);
                        }
                    }
                    break;
                default:
                    fixed (int* u = &_g[r * _ff])
                    fixed (int* table = _w.GeluTable)
                    {
                        // x > range: min(x, act); else the table at max(x, -range): both from x clamped to [-range, act].
                        var rangeV = Vector256.Create(range);
                        for (int n = 0; n < to; n += 8)
                        {
                            var x = Int8Kernels.Requantize8(acc + n, rv, c + n, b + n, shift, -range, act);
                            var looked = Avx2.GatherVector256(table, Vector256.Min(x, rangeV) + rangeV, 4);
                            Vector256.ConditionalSelect(Vector256.GreaterThan(x, rangeV), x, looked).Store(u + n);
                        }
                    }
                    break;
            }
        }
    }

    /// <summary>Softmax attention of every head of row r over its stream's cache 0..position; leaves Q(output) in the row.</summary>
    private void Attend(int r, int layer)
    {
        int dh = _s.HeadDim, count = _first + r + 1;
        var k = _s.Blocks[layer];
        int z = k.ScoreShift, last = _s.ExpSize - 1, ps = _s.ProbShift, pb = _s.ProbBits;
        fixed (short* q16 = _scratch.Query)
        fixed (int* dots = _scratch.Dots)
        fixed (int* output = _scratch.Attention)
        fixed (sbyte* codes = _scratch.Codes)
        fixed (int* exp = _w.ExpTable)
        {
            for (int head = 0; head < _s.Heads; head++)
            {
                long mq = Quantize(_g.AsSpan(r * _ff + head * dh, dh), new Span<sbyte>(codes, dh));
                for (int i = 0; i < dh; i++) q16[i] = codes[i];
                int max;
                fixed (short* keys = _stream.Keys(layer, head))
                    max = Int8Kernels.KeyDots(q16, keys, count, dh, dots, _path);
                long sum = Int8Kernels.ExpScores(dots, count, max, mq * k.ScoreMultiplier, z, exp, last, _path);
                Int8Kernels.ScaleScores(dots, count, (1L << (pb + ps)) / sum, ps, _path);
                int* o = output + head * dh;
                fixed (short* values = _stream.Values(layer, head))
                    Int8Kernels.WeightedValues(dots, count, values, dh, o, _path);
                for (int i = 0; i < dh; i++) o[i] = (o[i] + (1 << (pb - 1))) >> pb;
            }
        }
        _r[r] = Quantize(_scratch.Attention.AsSpan(0, _d), _q.AsSpan(r * _ff, _d));
    }
}
