using Lmz.Core;

namespace Lmz.Network.Adaptive;

/// <summary><see cref="AdaptiveTransformer"/>'s attention, forward and backward, and its head buffers.</summary>
internal sealed partial class AdaptiveTransformer
{
    private void Attention(int l, int n)
    {
        for (int head = 0; head < _h; head++)
        {
            int off = LoadHead(l, head, n);
            MatrixKernels.Transpose(_kh.AsSpan(0, n * _dh), _khT, n, _dh);
            MatrixKernels.Multiply(_qh, _khT, _scores, n, _dh, n, threads: _threads);
            var probs = _probs[l].AsSpan(head * n * n, n * n);
            for (int i = 0; i < n; i++) NetworkMath.Softmax(_scores.AsSpan(i * n, n), probs.Slice(i * n, n), i + 1, _scale);
            MatrixKernels.Multiply(probs, _vh, _yh, n, n, _dh, threads: _threads);
            Scatter(_yh, _att[l], _d, off, n);
        }
    }

    /// <summary>From dL/d(attention output) in _dAtt to dL/d(qkv) in _dQkv, for layer l.</summary>
    private void AttentionBackward(int l, int n)
    {
        int d = _d;
        for (int head = 0; head < _h; head++)
        {
            int off = LoadHead(l, head, n);
            MatrixKernels.Transpose(_vh.AsSpan(0, n * _dh), _khT, n, _dh); // values, transposed
            Gather(_dAtt, d, off, n, _dyh);
            var probs = _probs[l].AsSpan(head * n * n, n * n);
            MatrixKernels.Multiply(_dyh, _khT, _dP, n, _dh, n, threads: _threads);          // dP = dY · Vᵀ
            MatrixKernels.Transpose(probs, _dS, n, n);
            MatrixKernels.Multiply(_dS, _dyh, _dV, n, n, _dh, threads: _threads);           // dV = Pᵀ · dY
            for (int i = 0; i < n; i++)
            {
                double dot = 0;
                for (int j = 0; j <= i; j++) dot += (double)probs[i * n + j] * _dP[i * n + j];
                for (int j = 0; j < n; j++)
                    _dS[i * n + j] = j <= i ? (float)(probs[i * n + j] * (_dP[i * n + j] - dot)) * _scale : 0f;
            }
            MatrixKernels.Multiply(_dS, _kh, _dQ, n, n, _dh, threads: _threads);            // dQ = dS · K
            MatrixKernels.Transpose(_dS, _dP, n, n);
            MatrixKernels.Multiply(_dP, _qh, _dK, n, n, _dh, threads: _threads);            // dK = dSᵀ · Q
            Scatter(_dQ, _dQkv, 3 * d, off, n);
            Scatter(_dK, _dQkv, 3 * d, d + off, n);
            Scatter(_dV, _dQkv, 3 * d, 2 * d + off, n);
        }
    }

    /// <summary>Copies one head's queries, keys and values of layer l (n rows) to _qh, _kh, _vh; returns the head's column offset.</summary>
    private int LoadHead(int l, int head, int n)
    {
        int d = _d, off = head * _dh;
        Gather(_qkv[l], 3 * d, off, n, _qh);
        Gather(_qkv[l], 3 * d, d + off, n, _kh);
        Gather(_qkv[l], 3 * d, 2 * d + off, n, _vh);
        return off;
    }

    /// <summary>dst[i][e] = src[i·stride + offset + e]: one head's columns of n rows.</summary>
    private void Gather(float[] src, int stride, int offset, int n, float[] dst)
    {
        for (int i = 0; i < n; i++) src.AsSpan(i * stride + offset, _dh).CopyTo(dst.AsSpan(i * _dh, _dh));
    }

    /// <summary>The inverse of <see cref="Gather"/>.</summary>
    private void Scatter(float[] src, float[] dst, int stride, int offset, int n)
    {
        for (int i = 0; i < n; i++) src.AsSpan(i * _dh, _dh).CopyTo(dst.AsSpan(i * stride + offset, _dh));
    }
}
