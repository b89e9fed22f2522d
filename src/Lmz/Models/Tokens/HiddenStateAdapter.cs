using System.Runtime.Intrinsics;
using Lmz.Network;

namespace Lmz.Models.Tokens;

/// <summary>
/// Dynamic evaluation of the network's output layer, low rank: a log-space correction
/// δ(t) = Σ_r A_r(t)·z_r added to the mix, where z is a fixed random projection of the
/// network's final hidden state (unit length) and the planes A_r learn online from the coding
/// cost like the bias head does: A_r(t) += α·z_r·(1[t = y] − p(t)). The bias head is the
/// rank-0 case (z = 1); this lets the correction depend on what the network's context looks like.
/// The dense part of each step is deferred into the next <see cref="Correction"/> pass, as the
/// bias head's is. All float arithmetic is elementwise over tokens (Vector256 lanes, the same IEEE
/// operations per lane); the only sums, the projection's, run in a fixed scalar order.
/// </summary>
internal sealed class HiddenStateAdapter
{
    private readonly int _rank;
    private readonly int _vocab;
    private readonly int _stride; // floats from one plane to the next: a little over the vocabulary
    private readonly float[] _planes; // [rank, stride]
    private readonly float[] _previous; // the last step's probabilities in float
    private readonly float[] _projection; // [hiddenSize, rank], ±1: the ranks of one dimension side by side
    private readonly float[] _z;
    private readonly float[] _zPrevious;
    private readonly double _rate;
    private float _pending; // α/Σp of the last step, applied to every A_r(t) in the next pass

    public HiddenStateAdapter(int vocabSize, int hiddenSize, int rank, double rate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        (_rank, _vocab, _rate) = (rank, vocabSize, rate);
        // Planes exactly 32 KB apart alias in the store buffer (4K aliasing): measured 5% slower.
        _stride = vocabSize + PlanePadding;
        _planes = new float[rank * _stride];
        _previous = new float[vocabSize];
        _z = new float[rank];
        _zPrevious = new float[rank];
        HiddenSize = hiddenSize;
        // Fixed signs from a 64-bit LCG (Knuth's MMIX constants): part of the format.
        // The signs are drawn rank by rank, dimension by dimension.
        _projection = new float[rank * hiddenSize];
        ulong state = 0x9E3779B97F4A7C15UL;
        for (int r = 0; r < rank; r++)
            for (int d = 0; d < hiddenSize; d++)
            {
                state = state * 6364136223846793005UL + 1442695040888963407UL;
                _projection[d * rank + r] = (state >> 63) == 0 ? 1f : -1f;
            }
    }

    public int HiddenSize { get; }

    private const int PlanePadding = 112;

    /// <summary>z of the last <see cref="Correction"/>: the projected hidden state, unit length (all zero without one).</summary>
    public ReadOnlySpan<float> Context => _z;

    /// <summary>
    /// Finishes the previous step's deferred update with that step's probabilities
    /// <paramref name="previous"/> (unnormalised, as the mixer left them), projects
    /// <paramref name="hidden"/> (empty: no network opinion, z = 0) and writes δ into
    /// <paramref name="correction"/>.
    /// </summary>
    public unsafe void Correction(ReadOnlySpan<float> hidden, ReadOnlySpan<double> previous, Span<float> correction)
    {
        Project(hidden);
        float pending = _pending;
        _pending = 0;
        Span<float> decay = stackalloc float[_rank];
        for (int r = 0; r < _rank; r++) decay[r] = pending * _zPrevious[r];
        fixed (double* p = previous)
        fixed (float* old = _previous)
        fixed (float* delta = correction)
        fixed (float* planes = _planes)
        {
            int t = 0;
            for (; t + 8 <= _vocab; t += 8)
                Vector256.Narrow(Vector256.Load(p + t), Vector256.Load(p + t + 4)).Store(old + t);
            for (; t < _vocab; t++) old[t] = (float)p[t];
            // Planes four at a time (fewer passes over δ and the probabilities; the constants
            // in registers: measured 1.7x faster than a loop over the four); δ(t) still adds the
            // planes one by one in rank order.
            correction.Clear();
            int vectors = _vocab & ~7;
            for (int r0 = 0; r0 < _rank; r0 += 4)
            {
                int group = Math.Min(4, _rank - r0);
                if (group == 4)
                {
                    float* p0 = planes + (long)r0 * _stride, p1 = p0 + _stride, p2 = p1 + _stride, p3 = p2 + _stride;
                    var (d0, d1, d2, d3) = (Vector256.Create(decay[r0]), Vector256.Create(decay[r0 + 1]), Vector256.Create(decay[r0 + 2]), Vector256.Create(decay[r0 + 3]));
                    var (z0, z1, z2, z3) = (Vector256.Create(_z[r0]), Vector256.Create(_z[r0 + 1]), Vector256.Create(_z[r0 + 2]), Vector256.Create(_z[r0 + 3]));
                    for (t = 0; t < vectors; t += 8)
                    {
                        var o = Vector256.Load(old + t);
                        var a0 = Vector256.Load(p0 + t) - d0 * o; a0.Store(p0 + t);
                        var a1 = Vector256.Load(p1 + t) - d1 * o; a1.Store(p1 + t);
                        var a2 = Vector256.Load(p2 + t) - d2 * o; a2.Store(p2 + t);
                        var a3 = Vector256.Load(p3 + t) - d3 * o; a3.Store(p3 + t);
                        (Vector256.Load(delta + t) + a0 * z0 + a1 * z1 + a2 * z2 + a3 * z3).Store(delta + t);
                    }
                }
                for (t = group == 4 ? vectors : 0; t < _vocab; t++)
                {
                    for (int r = r0; r < r0 + group; r++)
                    {
                        float* a = planes + (long)r * _stride + t;
                        float plane = *a - decay[r] * old[t];
                        *a = plane;
                        delta[t] += plane * _z[r];
                    }
                }
            }
        }
    }

    /// <summary>The coded token's share of the step; <paramref name="inverseSum"/> is 1/Σp of the mix it was coded with.</summary>
    public void Learn(int token, double inverseSum)
    {
        for (int r = 0; r < _rank; r++) _planes[r * _stride + token] += (float)_rate * _z[r];
        _pending = (float)(_rate * inverseSum);
        _z.CopyTo(_zPrevious, 0);
    }

    private void Project(ReadOnlySpan<float> hidden)
    {
        if (hidden.IsEmpty) { Array.Clear(_z); return; }
        if (hidden.Length != HiddenSize) throw new ArgumentException($"hidden state of {hidden.Length} values, expected {HiddenSize}", nameof(hidden));
        double norm = 0;
        int r0 = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four ranks at a time, one per lane: each lane's sum still runs over d in order.
            for (; r0 + 4 <= _rank; r0 += 4)
            {
                var acc = Vector256<double>.Zero;
                for (int d = 0; d < HiddenSize; d++)
                    acc += Vector256.WidenLower((Vector128.Create<float>(_projection.AsSpan((d * _rank + r0)..)) * Vector128.Create(hidden[d])).ToVector256Unsafe());
                for (int k = 0; k < 4; k++)
                {
                    double a = acc.GetElement(k);
                    _z[r0 + k] = (float)a;
                    norm += a * a;
                }
            }
        }
        for (int r = r0; r < _rank; r++)
        {
            double acc = 0;
            for (int d = 0; d < HiddenSize; d++) acc += _projection[d * _rank + r] * hidden[d];
            _z[r] = (float)acc;
            norm += acc * acc;
        }
        double scale = norm > 0 ? 1 / Math.Sqrt(norm) : 0; // IEEE square root: correctly rounded everywhere
        for (int r = 0; r < _rank; r++) _z[r] = (float)(_z[r] * scale);
    }
}

/// <summary>A predictor that can also show the network's final hidden state for the coming token.</summary>
internal interface IHiddenStateSource
{
    /// <summary>Width of the hidden state (the network's d_model).</summary>
    int HiddenSize { get; }

    /// <summary>The hidden state behind the last prediction, or empty when there is none.</summary>
    ReadOnlySpan<float> Hidden { get; }
}
