using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lmz.Core;
using Lmz.Network;

namespace Lmz.Models.Tokens;

/// <summary><see cref="GeometricMixer"/>'s sparse inputs, its general path and its update.</summary>
internal sealed partial class GeometricMixer
{
    /// <summary>Adds the sparse inputs; returns the maximum raised by any entry they increased.</summary>
    private unsafe double AddSparse(TokenScores[] scores, double[] w, double* p, double max)
    {
        for (int j = 0; j < _inputs; j++)
        {
            var input = scores[j];
            if (input.IsDense) continue;
            double wj = w[j];
            for (int i = 0; i < input.SparseCount; i++)
            {
                int t = input.SparseTokens[i];
                double m = p[t] + wj * input.SparseValues[i];
                p[t] = m;
                if (m > max) max = m;
            }
        }
        // max may now exceed the true maximum (an entry lowered by a sparse input): exp(m − max)
        // stays ≤ 1 and the result is still the same on both sides.
        return max;
    }

    private unsafe void SparseExpectations(TokenScores[] scores, double* p)
    {
        for (int j = 0; j < _inputs; j++)
        {
            var input = scores[j];
            if (input.IsDense) continue;
            double acc = 0;
            for (int i = 0; i < input.SparseCount; i++) acc += p[input.SparseTokens[i]] * input.SparseValues[i];
            _expectations[j] = acc;
        }
    }

    /// <summary>The same mix for more than two dense inputs, one pass per input.</summary>
    private unsafe void MixGeneral(TokenScores[] scores, double[] w, float rate, ReadOnlySpan<float> correction)
    {
        int v = Probabilities.Length;
        fixed (double* p = Probabilities)
        fixed (float* bias = _bias)
        fixed (float* extra = correction)
        {
            for (int t = 0; t < v; t++)
            {
                float b = bias[t] - rate * (float)p[t];
                bias[t] = b;
                p[t] = b + extra[t];
            }
            for (int j = 0; j < _inputs; j++)
            {
                if (!scores[j].IsDense) continue;
                double wj = w[j];
                var s = scores[j].DenseValues;
                for (int t = 0; t < v; t++) p[t] += wj * s[t];
            }
            double max = double.NegativeInfinity;
            for (int t = 0; t < v; t++) if (p[t] > max) max = p[t];
            max = AddSparse(scores, w, p, max);
            FixedMath.ExpShiftedInPlace(Probabilities, max);
            double sum = 0, topWeight = -1;
            int top = 0;
            for (int t = 0; t < v; t++)
            {
                double e = p[t];
                sum += e;
                if (e > topWeight) { topWeight = e; top = t; }
            }
            Sum = sum;
            Top = top;
            for (int j = 0; j < _inputs; j++)
            {
                if (!scores[j].IsDense) continue;
                var s = scores[j].DenseValues;
                double acc = 0;
                for (int t = 0; t < v; t++) acc += p[t] * s[t];
                _expectations[j] = acc;
            }
            SparseExpectations(scores, p);
        }
    }

    public void Update(TokenScores[] scores, int token)
    {
        var w = _weights[_weightSet];
        double inverseSum = 1.0 / Sum;
        for (int j = 0; j < _inputs; j++)
        {
            double gradient = scores[j].ScoreOf(token) - _expectations[j] * inverseSum;
            w[j] += _weightRate * gradient;
        }
        if (_biasRate == 0) return;
        _pendingBiasRate = _biasRate * inverseSum;
        _bias[token] += (float)_biasRate;
    }
}
