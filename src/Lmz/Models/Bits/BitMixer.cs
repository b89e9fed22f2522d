using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lmz.Core;

namespace Lmz.Models.Bits;

/// <summary>
/// Two-layer gated logistic mixing. Layer 1: several weight sets, each chosen by its own small
/// context (a selector), each mixing all the stretched inputs x_i into squash(Σ w_i·x_i). Layer 2
/// mixes those outputs with a weight set chosen by one more selector. Every weight learns online
/// to lower the coding cost, w_i += x_i·err·rate. Weights are 16.16 fixed point and every sum is
/// exact: weights stay within ±2^20 and inputs within ±2047, so each product fits in int32 and
/// the int64 sums of integers come out the same in any order (vector width included).
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
    private readonly int _finalSize;
    private int _count, _finalSet, _p;
    private const int MaxWeight = (1 << 20) - 1;

    /// <param name="inputs">Inputs added per bit (at most).</param>
    /// <param name="selectorSizes">Values each layer-1 selector takes.</param>
    /// <param name="finalSelectorSize">Values the layer-2 selector takes.</param>
    /// <param name="rate">Layer 1's learning rate (the error's multiplier).</param>
    /// <param name="finalRate">Layer 2's learning rate.</param>
    /// <param name="initialWeight">Every layer-1 weight at the start, 16.16 fixed point.</param>
    public BitMixer(int inputs, int[] selectorSizes, int finalSelectorSize, int rate, int finalRate, int initialWeight)
    {
        inputs = (inputs + 7) & ~7; // whole vectors; unused inputs stay 0
        _size = inputs;
        _inputs = new int[inputs];
        _weights = [.. selectorSizes.Select(n => Filled(n * inputs, initialWeight))];
        _sets = new int[selectorSizes.Length];
        _probabilities = new int[selectorSizes.Length];
        _finalSize = (selectorSizes.Length + 7) & ~7;
        _outputs = new int[_finalSize];
        _final = Filled(finalSelectorSize * _finalSize, 65536 / selectorSizes.Length);
        (_rate, _finalRate) = (rate, finalRate);
    }

    private static int[] Filled(int length, int value)
    {
        var a = new int[length];
        Array.Fill(a, value);
        return a;
    }

    public void Add(int stretched) => _inputs[_count++] = stretched;

    /// <summary>The next <paramref name="count"/> inputs, to be filled by the caller.</summary>
    public Span<int> AddRange(int count)
    {
        var span = _inputs.AsSpan(_count, count);
        _count += count;
        return span;
    }

    /// <summary>Layer-1 selector <paramref name="k"/> takes value <paramref name="value"/> for this bit.</summary>
    public void Select(int k, int value) => _sets[k] = value * _size;

    /// <summary>Asks the memory system for the weights that selector <paramref name="k"/> will choose with <paramref name="value"/> (a hint: no effect on any result).</summary>
    public unsafe void Prefetch(int k, int value)
    {
        if (!Sse.IsSupported) return;
        fixed (int* row = &_weights[k][value * _size])
        {
            for (int i = 0; i < _size; i += 16) Sse.Prefetch0(row + i);
            Sse.Prefetch0(row + _size - 1);
        }
    }

    /// <summary>p(1) of the last <see cref="Mix"/>, 12 bits.</summary>
    public int P => _p;

    /// <summary>Mixes the inputs added since the last update; returns the stretched result (its squash is <see cref="P"/>).</summary>
    public int Mix(int finalSelector)
    {
        int n = _sets.Length;
        for (int k = 0; k < n; k++)
        {
            int x = Dot(_weights[k], _sets[k], _inputs, _size);
            _outputs[k] = x;
            _probabilities[k] = Logistic.Squash(x);
        }
        _finalSet = finalSelector * _finalSize;
        int result = Dot(_final, _finalSet, _outputs, _finalSize);
        _p = Logistic.Squash(result);
        return result;
    }

    public void Update(int bit)
    {
        for (int k = 0; k < _sets.Length; k++) Train(_weights[k], _sets[k], _inputs, _size, ((bit << 12) - _probabilities[k]) * _rate);
        Train(_final, _finalSet, _outputs, _finalSize, ((bit << 12) - _p) * _finalRate);
        _count = 0;
    }

    /// <summary>(Σ w_i·x_i) >> 16, clamped to the stretch range; <paramref name="count"/> is a multiple of 8.</summary>
    private static int Dot(int[] weights, int offset, int[] x, int count)
    {
        ref int w = ref MemoryMarshal.GetReference(weights.AsSpan(offset, count));
        ref int input = ref MemoryMarshal.GetReference(x.AsSpan(0, count));
        var sum = Vector256<long>.Zero;
        for (nuint i = 0; i < (nuint)count; i += 8)
        {
            var product = Vector256.LoadUnsafe(ref w, i) * Vector256.LoadUnsafe(ref input, i);
            var (low, high) = Vector256.Widen(product);
            sum += low + high;
        }
        long dot = Vector256.Sum(sum);
        return (int)Math.Clamp(dot >> 16, -Logistic.Limit, Logistic.Limit);
    }

    /// <summary>w_i += round(x_i·err / 2^14), kept within ±<see cref="MaxWeight"/>.</summary>
    private static void Train(int[] weights, int offset, int[] x, int count, int err)
    {
        ref int w = ref MemoryMarshal.GetReference(weights.AsSpan(offset, count));
        ref int input = ref MemoryMarshal.GetReference(x.AsSpan(0, count));
        var e = Vector256.Create(err);
        var half = Vector256.Create(1 << 13);
        var max = Vector256.Create(MaxWeight);
        for (nuint i = 0; i < (nuint)count; i += 8)
        {
            var step = Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref input, i) * e + half, 14);
            Vector256.Clamp(Vector256.LoadUnsafe(ref w, i) + step, -max, max).StoreUnsafe(ref w, i);
        }
    }
}
