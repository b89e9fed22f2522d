using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lmz.Core;
using Lmz.Network;

namespace Lmz.Models.Tokens;

/// <summary>
/// Geometric (log-linear) mixing of several predictors plus an adaptive log-space bias head:
/// p(t) ∝ exp(Σ_j w_j s_j(t) + b(t)). The weights follow the gradient of the coding cost,
/// w_j += η (s_j(y) − E_p[s_j]), one weight set per small context chosen by the caller; the bias
/// head learns b(t) += β (1[t = y] − p(t)), correcting tokens every predictor misjudges.
/// All sums run in index order in doubles; exp comes from <see cref="FixedMath"/>. The dense
/// part of the bias step is deferred into the next <see cref="Mix"/> pass (same arithmetic,
/// one pass fewer over the vocabulary), and up to two dense inputs are mixed inside the same
/// two passes (measured: about half the time of one pass per input).
/// </summary>
internal sealed partial class GeometricMixer
{
    private readonly int _inputs;
    private readonly double[][] _weights;
    private readonly double _weightRate;
    private readonly double _biasRate;
    private readonly float[] _bias;
    private readonly double[] _expectations;
    private readonly int[] _denseInputs;
    private readonly float[] _zeros;
    private int _weightSet;
    private double _pendingBiasRate; // rate/sum of the last update, applied lazily to every b(t)

    public GeometricMixer(int vocabSize, int inputs, int weightSets, double initialWeight, double weightRate, double biasRate)
    {
        _inputs = inputs;
        _weights = new double[weightSets][];
        for (int s = 0; s < weightSets; s++)
        {
            _weights[s] = new double[inputs];
            Array.Fill(_weights[s], initialWeight);
        }
        _weightRate = weightRate;
        _biasRate = biasRate;
        _bias = new float[vocabSize];
        _expectations = new double[inputs];
        _denseInputs = new int[inputs];
        _zeros = new float[vocabSize];
        Probabilities = new double[vocabSize];
    }

    /// <summary>Unnormalised probabilities of the last <see cref="Mix"/>; their sum is <see cref="Sum"/>.</summary>
    public double[] Probabilities { get; }

    public double Sum { get; private set; }

    /// <summary>The most probable token of the last <see cref="Mix"/> (the first, on ties).</summary>
    public int Top { get; private set; }

    public ReadOnlySpan<double> Weights(int set) => _weights[set];

    /// <summary>
    /// Two passes over the vocabulary: (1) finish the previous bias step and form
    /// m(t) = b(t) + Σ w_j s_j(t) over the dense inputs, tracking the maximum; sparse inputs are
    /// added entry by entry after it. (2) p(t) = exp(m(t) − max) with the sum and the
    /// expectations E_p[s_j] of the dense inputs. Both passes run four entries at a time with
    /// Vector256 (hardware or not, the same IEEE operations per lane, no fused multiply-add):
    /// pass 1 is elementwise plus a maximum, which no order changes; the sums of pass 2 are kept
    /// in <see cref="LaneSums"/> order, defined for every vocabulary size, so every machine gets
    /// the same bits.
    /// </summary>
    public void Mix(TokenScores[] scores, int weightSet) => Mix(scores, weightSet, default);

    /// <summary>As <see cref="Mix(TokenScores[], int)"/> with a log-space <paramref name="correction"/> added to every m(t) (empty: none).</summary>
    public unsafe void Mix(TokenScores[] scores, int weightSet, ReadOnlySpan<float> correction)
    {
        if (correction.IsEmpty) correction = _zeros;
        else if (correction.Length != Probabilities.Length) throw new ArgumentException("one correction per token", nameof(correction));
        _weightSet = weightSet;
        var w = _weights[weightSet];
        int v = Probabilities.Length;
        float rate = (float)_pendingBiasRate;
        _pendingBiasRate = 0;
        int denseCount = 0;
        for (int j = 0; j < _inputs; j++) if (scores[j].IsDense) _denseInputs[denseCount++] = j;
        if (denseCount > 2) { MixGeneral(scores, w, rate, correction); return; }
        int j0 = denseCount > 0 ? _denseInputs[0] : 0, j1 = denseCount > 1 ? _denseInputs[1] : 0;
        double w0 = denseCount > 0 ? w[j0] : 0, w1 = denseCount > 1 ? w[j1] : 0;
        // A zero-weight stand-in keeps one loop shape for 0, 1 or 2 dense inputs.
        ReadOnlySpan<float> d0 = denseCount > 0 ? scores[j0].DenseValues : _zeros;
        ReadOnlySpan<float> d1 = denseCount > 1 ? scores[j1].DenseValues : _zeros;
        fixed (double* p = Probabilities)
        fixed (float* bias = _bias)
        fixed (float* s0 = d0)
        fixed (float* s1 = d1)
        fixed (float* extra = correction)
        fixed (double* pow2 = FixedMath.Pow2)
        {
            double max = CombineAndMax(p, bias, extra, s0, s1, v, rate, w0, w1);
            max = AddSparse(scores, w, p, max);
            // With AVX2 pass 2 exponentiates as it sums (the same lanes, one pass fewer).
            bool fused = Avx2.IsSupported;
            if (!fused) FixedMath.ExpShiftedInPlace(Probabilities, max);
            var sums = LaneSums(p, s0, s1, v, out int top, fused ? max : null, pow2);
            Sum = sums.Sum;
            Top = top;
            if (denseCount > 0) _expectations[j0] = sums.E0;
            if (denseCount > 1) _expectations[j1] = sums.E1;
            SparseExpectations(scores, p);
        }
    }

    /// <summary>
    /// Pass 1: b(t) −= rate·p(t) (the deferred bias step, in float), p(t) = ((b(t) + c(t)) + w0·s0(t)) + w1·s1(t)
    /// with the correction c(t) added in float and the rest in double; returns the maximum.
    /// Elementwise, so the lanes change nothing.
    /// </summary>
    private static unsafe double CombineAndMax(double* p, float* bias, float* extra, float* s0, float* s1, int v, float rate, double w0, double w1)
    {
        int t = 0;
        var maxV = Vector256.Create(double.NegativeInfinity);
        var rateV = Vector256.Create(rate);
        var w0V = Vector256.Create(w0);
        var w1V = Vector256.Create(w1);
        for (; t + 8 <= v; t += 8)
        {
            var old = Vector256.Narrow(Vector256.Load(p + t), Vector256.Load(p + t + 4));
            var b = Vector256.Subtract(Vector256.Load(bias + t), Vector256.Multiply(rateV, old));
            b.Store(bias + t);
            var (bLow, bHigh) = Vector256.Widen(Vector256.Add(b, Vector256.Load(extra + t)));
            var (aLow, aHigh) = Vector256.Widen(Vector256.Load(s0 + t));
            var (cLow, cHigh) = Vector256.Widen(Vector256.Load(s1 + t));
            var mLow = Vector256.Add(Vector256.Add(bLow, Vector256.Multiply(w0V, aLow)), Vector256.Multiply(w1V, cLow));
            var mHigh = Vector256.Add(Vector256.Add(bHigh, Vector256.Multiply(w0V, aHigh)), Vector256.Multiply(w1V, cHigh));
            mLow.Store(p + t);
            mHigh.Store(p + t + 4);
            maxV = Vector256.ConditionalSelect(Vector256.GreaterThan(mLow, maxV), mLow, maxV);
            maxV = Vector256.ConditionalSelect(Vector256.GreaterThan(mHigh, maxV), mHigh, maxV);
        }
        double max = double.NegativeInfinity;
        for (int k = 0; k < 4; k++) if (maxV[k] > max) max = maxV[k];
        for (; t < v; t++)
        {
            float b = bias[t] - rate * (float)p[t];
            bias[t] = b;
            double m = b + extra[t];
            m += w0 * s0[t];
            m += w1 * s1[t];
            p[t] = m;
            if (m > max) max = m;
        }
        return max;
    }

    /// <summary>Σ p, Σ p·s0 and Σ p·s1 of pass 2.</summary>
    private readonly record struct PassSums(double Sum, double E0, double E1);

    /// <summary>
    /// Pass 2's sums in four lanes: lane k adds the entries t ≡ k (mod 4) in index order, and the
    /// result is (lane0 + lane1) + (lane2 + lane3). <paramref name="top"/> is the first index of
    /// the largest p (each lane keeps its first maximum; ties between lanes go to the lower index).
    /// With <paramref name="shift"/> (AVX2 only) it first sets each p = Exp(p − shift), reading
    /// the pinned <see cref="FixedMath.Pow2"/> at <paramref name="table"/>.
    /// </summary>
    private static unsafe PassSums LaneSums(double* p, float* s0, float* s1, int v, out int top, double? shift, double* table)
    {
        bool exponentiate = shift.HasValue;
        var shiftV = Vector256.Create(shift ?? 0);
        var sum = Vector256<double>.Zero;
        var e0 = Vector256<double>.Zero;
        var e1 = Vector256<double>.Zero;
        var best = Vector256.Create(-1.0);
        var bestIndex = Vector256<long>.Zero;
        var index = Vector256.Create(0L, 1L, 2L, 3L);
        var four = Vector256.Create(4L);
        int t = 0;
        for (; t + 4 <= v; t += 4)
        {
            var e = Vector256.Load(p + t);
            if (exponentiate) (e = FixedMath.Exp4(Vector256.Subtract(e, shiftV), table)).Store(p + t);
            sum = Vector256.Add(sum, e);
            e0 = Vector256.Add(e0, Vector256.Multiply(e, Vector256.WidenLower(Vector128.Load(s0 + t).ToVector256Unsafe())));
            e1 = Vector256.Add(e1, Vector256.Multiply(e, Vector256.WidenLower(Vector128.Load(s1 + t).ToVector256Unsafe())));
            var better = Vector256.GreaterThan(e, best);
            best = Vector256.ConditionalSelect(better, e, best);
            bestIndex = Vector256.ConditionalSelect(better.AsInt64(), index, bestIndex);
            index = Vector256.Add(index, four);
        }
        Span<double> lanes = stackalloc double[12];
        Span<double> bestLanes = stackalloc double[4];
        Span<long> indexLanes = stackalloc long[4];
        for (int k = 0; k < 4; k++)
        {
            (lanes[k], lanes[4 + k], lanes[8 + k]) = (sum[k], e0[k], e1[k]);
            (bestLanes[k], indexLanes[k]) = (best[k], bestIndex[k]);
        }
        for (; t < v; t++)
        {
            int k = t & 3;
            double e = exponentiate ? p[t] = FixedMath.Exp(p[t] - shift!.Value) : p[t];
            lanes[k] += e;
            lanes[4 + k] += e * s0[t];
            lanes[8 + k] += e * s1[t];
            if (e > bestLanes[k]) (bestLanes[k], indexLanes[k]) = (e, t);
        }
        long topIndex = indexLanes[0];
        double topValue = bestLanes[0];
        for (int k = 1; k < 4; k++)
            if (bestLanes[k] > topValue || (bestLanes[k] == topValue && indexLanes[k] < topIndex))
                (topValue, topIndex) = (bestLanes[k], indexLanes[k]);
        top = (int)topIndex;
        return new PassSums((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]),
            (lanes[4] + lanes[5]) + (lanes[6] + lanes[7]), (lanes[8] + lanes[9]) + (lanes[10] + lanes[11]));
    }
}
