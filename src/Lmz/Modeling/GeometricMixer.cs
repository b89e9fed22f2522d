namespace Lmz.Modeling;

/// <summary>
/// Geometric (log-linear) mixing of several predictors plus an adaptive log-space bias head:
/// p(t) ∝ exp(Σ_j w_j s_j(t) + b(t)). The weights follow the gradient of the coding cost,
/// w_j += η (s_j(y) − E_p[s_j]), one weight set per small context chosen by the caller; the bias
/// head learns b(t) += β (1[t = y] − p(t)), correcting tokens every predictor misjudges.
/// All sums run in index order in doubles; exp comes from <see cref="FixedMath"/>.
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

    public void Mix(float[][] scores, int weightSet)
    {
        _weightSet = weightSet;
        var w = _weights[weightSet];
        var p = Probabilities;
        int v = p.Length;
        double max = double.NegativeInfinity;
        for (int t = 0; t < v; t++)
        {
            double m = _bias[t];
            for (int j = 0; j < _inputs; j++) m += w[j] * scores[j][t];
            p[t] = m;
            if (m > max) max = m;
        }
        double sum = 0;
        Array.Clear(_expectations);
        for (int t = 0; t < v; t++)
        {
            double e = FixedMath.Exp(p[t] - max);
            p[t] = e;
            sum += e;
            for (int j = 0; j < _inputs; j++) _expectations[j] += e * scores[j][t];
        }
        Sum = sum;
    }

    public void Update(float[][] scores, int token)
    {
        var w = _weights[_weightSet];
        double inverseSum = 1.0 / Sum;
        for (int j = 0; j < _inputs; j++)
        {
            double gradient = scores[j][token] - _expectations[j] * inverseSum;
            w[j] += _weightRate * gradient;
        }
        if (_biasRate == 0) return;
        var p = Probabilities;
        float rate = (float)(_biasRate * inverseSum);
        for (int t = 0; t < p.Length; t++) _bias[t] -= rate * (float)p[t];
        _bias[token] += (float)_biasRate;
    }
}
