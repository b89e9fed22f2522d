using Lmz.Core;
namespace Lmz.Network.Adaptive;

/// <summary>
/// The GPT of models/training/model.py in plain C# float arithmetic, so it can learn while it
/// codes (dynamic evaluation): <see cref="Prime"/> and <see cref="Step"/> predict token by token
/// from a key/value cache, and <see cref="Train"/> takes one SGD step on a window of coded tokens.
/// Every sum has a fixed order (see <see cref="MatrixKernels"/>, <see cref="NetworkMath"/>), so
/// the encoder and the decoder hold the same weights after every step, whatever the thread count.
/// </summary>
internal sealed partial class AdaptiveTransformer
{
    private readonly NetworkWeights _w;
    private readonly int _d, _v, _h, _dh, _ctx, _threads;
    private readonly float _scale;

    // Step state: the running row and each layer's cache per head, keys transposed ([dh][ctx]), values [ctx][dh].
    private readonly float[] _x, _row, _qkvRow, _wide, _wideAct, _scoresRow, _probRow, _yRow;
    private readonly float[][] _keysT, _values;
    private readonly float[] _stat = new float[2];

    // Window state (rows ≤ ctx): every activation the backward pass reads.
    private readonly float[] _bx, _final, _hidden, _meanF, _rstdF;
    private readonly float[][] _xIn, _h1, _mean1, _rstd1, _qkv, _probs, _att, _xMid, _h2, _mean2, _rstd2, _fcPre, _fcAct;
    private readonly float[] _qh, _khT, _kh, _vh, _yh, _scores, _logits;

    // Backward scratch.
    private readonly float[] _grads, _outGradT, _dx, _dWide, _dh2, _tmpA, _tmpB, _dQkv, _dAtt, _dP, _dS, _dQ, _dK, _dV, _dyh;

    public AdaptiveTransformer(NetworkWeights weights, int threads)
    {
        _w = weights;
        (_d, _v, _h, _dh, _ctx) = (weights.DModel, weights.Vocab, weights.Heads, weights.HeadDim, weights.Context);
        _threads = Math.Max(1, threads);
        _scale = 1f / MathF.Sqrt(_dh);
        int d = _d, n = _ctx, layers = weights.Layers;
        float[][] PerLayer(int size) => Enumerable.Range(0, layers).Select(_ => new float[size]).ToArray();

        _x = new float[d]; _row = new float[d]; _qkvRow = new float[3 * d]; _wide = new float[4 * d]; _wideAct = new float[4 * d];
        _scoresRow = new float[n]; _probRow = new float[n]; _yRow = new float[d];
        _keysT = PerLayer(d * n); _values = PerLayer(n * d);
        Logits = new float[_v];
        Hidden = new float[d];

        _bx = new float[n * d]; _final = new float[n * d]; _hidden = new float[n * d]; _meanF = new float[n]; _rstdF = new float[n];
        _xIn = PerLayer(n * d); _h1 = PerLayer(n * d); _mean1 = PerLayer(n); _rstd1 = PerLayer(n); _qkv = PerLayer(n * 3 * d);
        _probs = PerLayer(_h * n * n); _att = PerLayer(n * d); _xMid = PerLayer(n * d); _h2 = PerLayer(n * d);
        _mean2 = PerLayer(n); _rstd2 = PerLayer(n); _fcPre = PerLayer(n * 4 * d); _fcAct = PerLayer(n * 4 * d);
        _qh = new float[n * _dh]; _khT = new float[_dh * n]; _kh = new float[n * _dh]; _vh = new float[n * _dh]; _yh = new float[n * _dh];
        _scores = new float[n * n]; _logits = new float[n * _v];

        _grads = new float[weights.Values.Length]; _outGradT = new float[d * _v];
        _dx = new float[n * d]; _dWide = new float[n * 4 * d]; _dh2 = new float[n * d];
        _tmpA = new float[Math.Max(4 * d, _v) * n]; _tmpB = new float[Math.Max(4 * d, _v) * n];
        _dQkv = new float[n * 3 * d]; _dAtt = new float[n * d]; _dP = new float[n * n]; _dS = new float[n * n];
        _dQ = new float[n * _dh]; _dK = new float[n * _dh]; _dV = new float[n * _dh]; _dyh = new float[n * _dh];
    }

    public int Context => _ctx;

    /// <summary>The logits of the last <see cref="Step"/>.</summary>
    public float[] Logits { get; }

    /// <summary>The final layer norm's output of the last <see cref="Step"/>.</summary>
    public float[] Hidden { get; }

    /// <summary>How many positions the cache holds.</summary>
    public int Filled { get; private set; }

    /// <summary>Fills the cache with <paramref name="ids"/> at positions 0.. (a window's context).</summary>
    public void Prime(ReadOnlySpan<int> ids)
    {
        if (ids.Length > _ctx) throw new ArgumentOutOfRangeException(nameof(ids), "more tokens than the context");
        Filled = 0;
        if (ids.IsEmpty) return;
        int n = ids.Length;
        Forward(ids, 0);
        for (int l = 0; l < _w.Layers; l++)
        {
            var qkv = _qkv[l];
            for (int i = 0; i < n; i++)
                for (int c = 0; c < _d; c++)
                {
                    _keysT[l][c * _ctx + i] = qkv[i * 3 * _d + _d + c];
                    _values[l][ValueIndex(i, c)] = qkv[i * 3 * _d + 2 * _d + c];
                }
        }
        Filled = n;
    }

    /// <summary>Feeds <paramref name="id"/> at the next position; fills <see cref="Logits"/> and <see cref="Hidden"/>.</summary>
    public void Step(int id)
    {
        if (Filled >= _ctx) throw new InvalidOperationException("the context is full: prime a new window first");
        int d = _d, pos = Filled;
        var p = _w.Values;
        for (int c = 0; c < d; c++) _x[c] = p[_w.Wte + id * d + c] + p[_w.Wpe + pos * d + c];
        for (int l = 0; l < _w.Layers; l++)
        {
            var o = _w.Layer[l];
            NetworkMath.LayerNorm(_x, _row, _w.Slice(o.Ln1Weight, d), _w.Slice(o.Ln1Bias, d), _stat.AsSpan(0, 1), _stat.AsSpan(1, 1), 1);
            MatrixKernels.Multiply(_row, _w.Slice(o.Qkv, d * 3 * d), _qkvRow, 1, d, 3 * d, threads: _threads);
            for (int c = 0; c < d; c++)
            {
                _keysT[l][c * _ctx + pos] = _qkvRow[d + c];
                _values[l][ValueIndex(pos, c)] = _qkvRow[2 * d + c];
            }
            for (int head = 0; head < _h; head++)
            {
                int off = head * _dh;
                // scores over the whole cache row (later positions get probability 0)
                MatrixKernels.Multiply(_qkvRow.AsSpan(off, _dh), _keysT[l].AsSpan(off * _ctx, _dh * _ctx), _scoresRow, 1, _dh, _ctx);
                NetworkMath.Softmax(_scoresRow, _probRow, pos + 1, _scale);
                MatrixKernels.Multiply(_probRow, _values[l].AsSpan(off * _ctx, (pos + 1) * _dh), _yRow.AsSpan(off, _dh), 1, pos + 1, _dh);
            }
            MatrixKernels.Multiply(_yRow, _w.Slice(o.Proj, d * d), _x, 1, d, d, accumulate: true, threads: _threads);
            NetworkMath.LayerNorm(_x, _row, _w.Slice(o.Ln2Weight, d), _w.Slice(o.Ln2Bias, d), _stat.AsSpan(0, 1), _stat.AsSpan(1, 1), 1);
            MatrixKernels.Multiply(_row, _w.Slice(o.Fc, d * 4 * d), _wide, 1, d, 4 * d, threads: _threads);
            NetworkMath.Gelu(_wide, _wideAct);
            MatrixKernels.Multiply(_wideAct, _w.Slice(o.FcOut, 4 * d * d), _x, 1, 4 * d, d, accumulate: true, threads: _threads);
        }
        NetworkMath.LayerNorm(_x, Hidden, _w.Slice(_w.LnFWeight, d), _w.Slice(_w.LnFBias, d), _stat.AsSpan(0, 1), _stat.AsSpan(1, 1), 1);
        MatrixKernels.Multiply(Hidden, _w.OutputT, Logits, 1, d, _v, threads: _threads);
        Filled++;
    }

    /// <summary>
    /// One SGD step on the window <paramref name="ids"/> (inputs at positions 0..) whose last
    /// <paramref name="targets"/>.Length inputs are followed by those targets: the mean cross
    /// entropy of those predictions, learning rate <paramref name="rate"/>. A step whose gradient
    /// is not finite is skipped. Returns the window's cost in nats (before the step).
    /// </summary>
    public double Train(ReadOnlySpan<int> ids, ReadOnlySpan<int> targets, float rate)
    {
        int n = ids.Length, r = targets.Length, d = _d;
        if (n > _ctx || r < 1 || r > n) throw new ArgumentOutOfRangeException(nameof(targets));
        Forward(ids, r);
        Array.Clear(_grads);

        // loss: softmax of each scored row; dlogits = (p − onehot)/r, in place
        double cost = 0;
        for (int t = 0; t < r; t++)
        {
            var row = _logits.AsSpan(t * _v, _v);
            NetworkMath.Softmax(row, row, _v, 1f);
            cost -= FixedMath.Log(Math.Max(row[targets[t]], 1e-30));
            row[targets[t]] -= 1;
            for (int v = 0; v < _v; v++) row[v] /= r;
        }
        var hiddenRows = _hidden.AsSpan((n - r) * d, r * d);
        MatrixKernels.Transpose(hiddenRows, _tmpA, r, d);
        MatrixKernels.Multiply(_tmpA, _logits, _outGradT, d, r, _v, threads: _threads);
        MatrixKernels.Multiply(_logits, _w.Slice(_w.Wte, _v * d), _dh2, r, _v, d, threads: _threads);
        Array.Clear(_dx, 0, n * d);
        for (int t = 0; t < r; t++)
        {
            int i = n - r + t;
            NetworkMath.LayerNormBackward(_final.AsSpan(i * d, d), _meanF[i], _rstdF[i], _w.Slice(_w.LnFWeight, d), _dh2.AsSpan(t * d, d),
                _dx.AsSpan(i * d, d), _grads.AsSpan(_w.LnFWeight, d), _grads.AsSpan(_w.LnFBias, d));
        }

        for (int l = _w.Layers - 1; l >= 0; l--)
        {
            var o = _w.Layer[l];
            // x += act · fcOut
            LinearBackward(_fcAct[l], o.FcOut, _dx, _dWide, n, 4 * d, d);
            NetworkMath.GeluBackward(_fcPre[l].AsSpan(0, n * 4 * d), _dWide.AsSpan(0, n * 4 * d));
            // act = gelu(h2 · fc)
            LinearBackward(_h2[l], o.Fc, _dWide, _dh2, n, d, 4 * d);
            for (int i = 0; i < n; i++)
                NetworkMath.LayerNormBackward(_xMid[l].AsSpan(i * d, d), _mean2[l][i], _rstd2[l][i], _w.Slice(o.Ln2Weight, d), _dh2.AsSpan(i * d, d),
                    _dx.AsSpan(i * d, d), _grads.AsSpan(o.Ln2Weight, d), _grads.AsSpan(o.Ln2Bias, d));
            // x += att · proj
            LinearBackward(_att[l], o.Proj, _dx, _dAtt, n, d, d);
            AttentionBackward(l, n);
            LinearBackward(_h1[l], o.Qkv, _dQkv, _dh2, n, d, 3 * d);
            for (int i = 0; i < n; i++)
                NetworkMath.LayerNormBackward(_xIn[l].AsSpan(i * d, d), _mean1[l][i], _rstd1[l][i], _w.Slice(o.Ln1Weight, d), _dh2.AsSpan(i * d, d),
                    _dx.AsSpan(i * d, d), _grads.AsSpan(o.Ln1Weight, d), _grads.AsSpan(o.Ln1Bias, d));
        }
        for (int i = 0; i < n; i++)
        {
            MatrixKernels.AddScaled(_grads.AsSpan(_w.Wte + ids[i] * d, d), _dx.AsSpan(i * d, d), 1f);
            MatrixKernels.AddScaled(_grads.AsSpan(_w.Wpe + i * d, d), _dx.AsSpan(i * d, d), 1f);
        }
        // the tied output layer's gradient, [d][vocab], joins the embedding's
        MatrixKernels.Transpose(_outGradT, _tmpA, d, _v);
        MatrixKernels.AddScaled(_grads.AsSpan(_w.Wte, _v * d), _tmpA.AsSpan(0, _v * d), 1f);

        foreach (float g in _grads)
            if (!float.IsFinite(g)) return cost;
        MatrixKernels.AddScaled(_w.Values, _grads, -rate);
        _w.SyncOutput();
        return cost;
    }

    /// <summary>Cache index of position i, model column c: values are stored per head, [head][ctx][dh].</summary>
    private int ValueIndex(int i, int c) => (c / _dh) * _ctx * _dh + i * _dh + c % _dh;

    /// <summary>
    /// For y[n×outs] (+)= x[n×ins] · W: adds dL/dW to the gradients and writes dL/dx to
    /// <paramref name="dx"/>, given dL/dy in <paramref name="dy"/>.
    /// </summary>
    private void LinearBackward(float[] x, int weight, float[] dy, float[] dx, int n, int ins, int outs)
    {
        MatrixKernels.Transpose(x.AsSpan(0, n * ins), _tmpA, n, ins);
        MatrixKernels.Multiply(_tmpA, dy, _grads.AsSpan(weight, ins * outs), ins, n, outs, threads: _threads);
        MatrixKernels.Transpose(dy.AsSpan(0, n * outs), _tmpB, n, outs);
        MatrixKernels.Multiply(_w.Slice(weight, ins * outs), _tmpB, _tmpA, ins, outs, n, threads: _threads);
        MatrixKernels.Transpose(_tmpA.AsSpan(0, ins * n), dx, ins, n);
    }

    /// <summary>Forward over ids at positions 0..; keeps the activations; logits for the last <paramref name="logitRows"/> rows.</summary>
    private void Forward(ReadOnlySpan<int> ids, int logitRows)
    {
        int n = ids.Length, d = _d;
        var p = _w.Values;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++) _bx[i * d + c] = p[_w.Wte + ids[i] * d + c] + p[_w.Wpe + i * d + c];
        for (int l = 0; l < _w.Layers; l++)
        {
            var o = _w.Layer[l];
            Array.Copy(_bx, _xIn[l], n * d);
            NetworkMath.LayerNorm(_bx, _h1[l], _w.Slice(o.Ln1Weight, d), _w.Slice(o.Ln1Bias, d), _mean1[l], _rstd1[l], n);
            MatrixKernels.Multiply(_h1[l], _w.Slice(o.Qkv, d * 3 * d), _qkv[l], n, d, 3 * d, threads: _threads);
            Attention(l, n);
            MatrixKernels.Multiply(_att[l], _w.Slice(o.Proj, d * d), _bx, n, d, d, accumulate: true, threads: _threads);
            Array.Copy(_bx, _xMid[l], n * d);
            NetworkMath.LayerNorm(_bx, _h2[l], _w.Slice(o.Ln2Weight, d), _w.Slice(o.Ln2Bias, d), _mean2[l], _rstd2[l], n);
            MatrixKernels.Multiply(_h2[l], _w.Slice(o.Fc, d * 4 * d), _fcPre[l], n, d, 4 * d, threads: _threads);
            NetworkMath.Gelu(_fcPre[l].AsSpan(0, n * 4 * d), _fcAct[l]);
            MatrixKernels.Multiply(_fcAct[l], _w.Slice(o.FcOut, 4 * d * d), _bx, n, 4 * d, d, accumulate: true, threads: _threads);
        }
        Array.Copy(_bx, _final, n * d);
        NetworkMath.LayerNorm(_bx, _hidden, _w.Slice(_w.LnFWeight, d), _w.Slice(_w.LnFBias, d), _meanF, _rstdF, n);
        if (logitRows > 0)
            MatrixKernels.Multiply(_hidden.AsSpan((n - logitRows) * d), _w.OutputT, _logits, logitRows, d, _v, threads: _threads);
    }
}
