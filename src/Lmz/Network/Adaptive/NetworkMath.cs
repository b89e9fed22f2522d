using Lmz.Core;
namespace Lmz.Network.Adaptive;

/// <summary>
/// The elementwise and per-row pieces of the adaptive network (layer norm, GELU, softmax) with
/// their derivatives. Sums run in double in index order and every transcendental goes through
/// <see cref="FixedMath"/>, so the results are the same bits everywhere.
/// </summary>
internal static class NetworkMath
{
    private const double Epsilon = 1e-5;
    private const double GeluScale = 0.7978845608028654; // sqrt(2/pi)
    private const double GeluCubic = 0.044715;

    /// <summary>y = (x − mean)/sqrt(var + ε)·w + b per row; keeps each row's mean and 1/std.</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, Span<float> y, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> mean, Span<float> rstd, int rows)
    {
        int d = w.Length;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * d, d);
            var yr = y.Slice(r * d, d);
            double sum = 0;
            for (int i = 0; i < d; i++) sum += xr[i];
            double mu = sum / d, var = 0;
            for (int i = 0; i < d; i++) { double c = xr[i] - mu; var += c * c; }
            double inv = 1.0 / Math.Sqrt(var / d + Epsilon); // IEEE-exact sqrt and divide
            for (int i = 0; i < d; i++) yr[i] = (float)((xr[i] - mu) * inv) * w[i] + b[i];
            mean[r] = (float)mu;
            rstd[r] = (float)inv;
        }
    }

    /// <summary>
    /// Backward of <see cref="LayerNorm"/> for one row: adds dL/dx to <paramref name="dx"/> and
    /// dL/dw, dL/db to <paramref name="dw"/>, <paramref name="db"/>.
    /// </summary>
    public static void LayerNormBackward(ReadOnlySpan<float> x, float mean, float rstd, ReadOnlySpan<float> w, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dw, Span<float> db)
    {
        int d = w.Length;
        double sumG = 0, sumGx = 0;
        for (int i = 0; i < d; i++)
        {
            float xhat = (x[i] - mean) * rstd;
            float g = dy[i] * w[i];
            dw[i] += dy[i] * xhat;
            db[i] += dy[i];
            sumG += g;
            sumGx += (double)g * xhat;
        }
        double meanG = sumG / d, meanGx = sumGx / d;
        for (int i = 0; i < d; i++)
        {
            double xhat = (x[i] - mean) * rstd;
            dx[i] += (float)(rstd * (dy[i] * w[i] - meanG - xhat * meanGx));
        }
    }

    /// <summary>GELU, tanh form: y = x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1 + Tanh(GeluScale * (v + GeluCubic * v * v * v))));
        }
    }

    /// <summary>dy ← dy · GELU'(x), in place.</summary>
    public static void GeluBackward(ReadOnlySpan<float> x, Span<float> dy)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double t = Tanh(GeluScale * (v + GeluCubic * v * v * v));
            double slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GeluScale * (1 + 3 * GeluCubic * v * v);
            dy[i] = (float)(dy[i] * slope);
        }
    }

    /// <summary>p[j] = softmax(scale·s[0..count))[j], and p[j] = 0 for j ≥ count.</summary>
    public static void Softmax(ReadOnlySpan<float> s, Span<float> p, int count, float scale)
    {
        float max = float.NegativeInfinity;
        for (int j = 0; j < count; j++) max = Math.Max(max, s[j] * scale);
        double sum = 0;
        for (int j = 0; j < count; j++)
        {
            double e = FixedMath.Exp((double)(s[j] * scale) - max);
            p[j] = (float)e;
            sum += e;
        }
        float inv = (float)(1.0 / sum);
        for (int j = 0; j < count; j++) p[j] *= inv;
        p[count..].Clear();
    }

    private static double Tanh(double u) => 1 - 2 / (FixedMath.Exp(2 * u) + 1);
}
