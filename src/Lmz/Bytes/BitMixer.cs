namespace Lmz.Bytes;

/// <summary>
/// Two-layer gated logistic mixing. Layer 1: several weight sets, each chosen by its own small
/// context (a selector), each mixing all the stretched inputs x_i into squash(Σ w_i·x_i). Layer 2
/// mixes those outputs with a weight set chosen by one more selector. Every weight learns online
/// to lower the coding cost, w_i += x_i·err·rate. Weights are 16.16 fixed point and every sum is
/// an int64 in input order, so the result is exact everywhere.
/// </summary>
internal sealed class BitMixer
{
    private readonly int[] _inputs;
    private readonly int _size;
    private readonly int[][] _weights;     // per selector: [selector value][input]
    private readonly int[] _sets;          // chosen offset per selector
    private readonly int[] _outputs;       // layer 1 stretched outputs (+ bias)
    private readonly int[] _probabilities; // layer 1 squashed outputs
    private readonly int[] _final;         // layer 2: [selector value][layer-1 output]
    private readonly int _rate, _finalRate;
    private int _count, _finalSet, _p;

    /// <param name="inputs">Inputs added per bit (at most).</param>
    /// <param name="selectorSizes">Values each layer-1 selector takes.</param>
    /// <param name="finalSelectorSize">Values the layer-2 selector takes.</param>
    public BitMixer(int inputs, int[] selectorSizes, int finalSelectorSize, int rate, int finalRate, int initialWeight)
    {
        _size = inputs;
        _inputs = new int[inputs];
        _weights = [.. selectorSizes.Select(n => Filled(n * inputs, initialWeight))];
        _sets = new int[selectorSizes.Length];
        _outputs = new int[selectorSizes.Length];
        _probabilities = new int[selectorSizes.Length];
        _final = Filled(finalSelectorSize * selectorSizes.Length, 65536 / selectorSizes.Length);
        (_rate, _finalRate) = (rate, finalRate);
    }

    private static int[] Filled(int length, int value)
    {
        var a = new int[length];
        Array.Fill(a, value);
        return a;
    }

    public void Add(int stretched) => _inputs[_count++] = stretched;

    /// <summary>Layer-1 selector <paramref name="k"/> takes value <paramref name="value"/> for this bit.</summary>
    public void Select(int k, int value) => _sets[k] = value * _size;

    /// <summary>Mixes the inputs added since the last update; returns the stretched result.</summary>
    public int Mix(int finalSelector)
    {
        int n = _sets.Length;
        for (int k = 0; k < n; k++)
        {
            int x = Dot(_weights[k], _sets[k], _inputs, _count);
            _outputs[k] = x;
            _probabilities[k] = Logistic.Squash(x);
        }
        _finalSet = finalSelector * n;
        int result = Dot(_final, _finalSet, _outputs, n);
        _p = Logistic.Squash(result);
        return result;
    }

    public void Update(int bit)
    {
        for (int k = 0; k < _sets.Length; k++) Train(_weights[k], _sets[k], _inputs, _count, ((bit << 12) - _probabilities[k]) * _rate);
        Train(_final, _finalSet, _outputs, _sets.Length, ((bit << 12) - _p) * _finalRate);
        _count = 0;
    }

    private static int Dot(int[] weights, int offset, int[] x, int count)
    {
        long dot = 0;
        for (int i = 0; i < count; i++) dot += (long)x[i] * weights[offset + i];
        return (int)Math.Clamp(dot >> 16, -Logistic.Limit, Logistic.Limit);
    }

    private static void Train(int[] weights, int offset, int[] x, int count, int err)
    {
        for (int i = 0; i < count; i++) weights[offset + i] += (x[i] * err + (1 << 13)) >> 14;
    }
}
