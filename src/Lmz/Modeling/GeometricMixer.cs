namespace Lmz.Modeling;

/// <summary>
/// Geometric (log-linear) mixing of several predictors plus an adaptive log-space bias head:
/// p(t) ∝ exp(Σ_j w_j s_j(t) + b(t)). The weights follow the gradient of the coding cost,
/// w_j += η (s_j(y) − E_p[s_j]), one weight set per small context chosen by the caller; the bias
/// head learns b(t) += β (1[t = y] − p(t)), correcting tokens every predictor misjudges.
/// All sums run in index order in doubles; exp comes from <see cref="FixedMath"/>. The dense
/// part of the bias step is deferred into the next <see cref="Mix"/> pass (same arithmetic,
/// one pass fewer over the vocabulary).
/// </summary>
public sealed class GeometricMixer
{
    private readonly int _inputs;
    private readonly double[][] _weights;
    private readonly double _weightRate;
    private readonly double _biasRate;
    private readonly float[] _bias;
    private readonly double[] _expectations;
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
        Probabilities = new double[vocabSize];
    }

    /// <summary>Unnormalised probabilities of the last <see cref="Mix"/>; their sum is <see cref="Sum"/>.</summary>
    public double[] Probabilities { get; }

    public double Sum { get; private set; }

    public ReadOnlySpan<double> Weights(int set) => _weights[set];

    public unsafe void Mix(TokenScores[] scores, int weightSet)
    {
        _weightSet = weightSet;
        var w = _weights[weightSet];
        int v = Probabilities.Length;
        float rate = (float)_pendingBiasRate;
        _pendingBiasRate = 0;
        fixed (double* p = Probabilities)
        fixed (float* bias = _bias)
        {
            // Finish the previous bias step, then m(t) = b(t) + Σ w_j s_j(t): dense inputs by
            // passes over the vocabulary, sparse ones entry by entry.
            for (int t = 0; t < v; t++)
            {
                float b = bias[t] - rate * (float)p[t];
                bias[t] = b;
                p[t] = b;
            }
            for (int j = 0; j < _inputs; j++)
            {
                double wj = w[j];
                var input = scores[j];
                if (input.IsDense)
                {
                    fixed (float* s = input.Dense)
                    {
                        for (int t = 0; t < v; t++) p[t] += wj * s[t];
                    }
                }
                else
                {
                    for (int i = 0; i < input.SparseCount; i++) p[input.SparseTokens[i]] += wj * input.SparseValues[i];
                }
            }
            double max = double.NegativeInfinity;
            for (int t = 0; t < v; t++) if (p[t] > max) max = p[t];

            double sum = 0;
            for (int t = 0; t < v; t++)
            {
                double e = FixedMath.Exp(p[t] - max);
                p[t] = e;
                sum += e;
            }
            Sum = sum;

            // Unnormalised expectations E_p[s_j] for the weight gradient.
            for (int j = 0; j < _inputs; j++)
            {
                var input = scores[j];
                double acc = 0;
                if (input.IsDense)
                {
                    fixed (float* s = input.Dense)
                    {
                        for (int t = 0; t < v; t++) acc += p[t] * s[t];
                    }
                }
                else
                {
                    for (int i = 0; i < input.SparseCount; i++) acc += p[input.SparseTokens[i]] * input.SparseValues[i];
                }
                _expectations[j] = acc;
            }
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
