using CsCheck;
using Lmz.Network;

namespace Lmz.Tests;

/// <summary>Every kernel path computes the scalar statement's integers, including at the extremes.</summary>
public sealed class Int8KernelsTests
{
    private static readonly KernelPath[] Paths = Enum.GetValues<KernelPath>().Where(Int8Kernels.IsSupported).ToArray();

    private static Int8Matrix RandomMatrix(Random rng, int inputs, int outputs, bool extreme)
    {
        var grouped = new sbyte[inputs * outputs];
        for (int i = 0; i < grouped.Length; i++) grouped[i] = extreme ? (sbyte)(rng.Next(2) == 0 ? -127 : 127) : (sbyte)rng.Next(-127, 128);
        return new Int8Matrix(grouped, inputs, outputs, new long[outputs], new long[outputs], 1);
    }

    [Theory]
    [InlineData(256, 768, false)]
    [InlineData(1024, 256, false)]
    [InlineData(256, 64, true)]   // every product ±127·127: the AVX2 pairs sit at 2·127² without saturating
    [InlineData(1024, 128, true)]
    public void Matrix_vector_products_are_identical_on_every_path(int inputs, int outputs, bool extreme)
    {
        var rng = new Random(inputs * 31 + outputs);
        var m = RandomMatrix(rng, inputs, outputs, extreme);
        for (int trial = 0; trial < 4; trial++)
        {
            var q = new sbyte[inputs];
            for (int i = 0; i < q.Length; i++) q[i] = extreme ? (sbyte)(trial % 2 == 0 ? 127 : -127) : (sbyte)rng.Next(-127, 128);
            var expected = new int[outputs];
            for (int n = 0; n < outputs; n++)
                for (int k = 0; k < inputs; k++)
                    expected[n] += q[k] * m.Grouped[Int8Matrix.IndexOf(inputs, k, n)];
            foreach (var path in Paths)
            {
                var acc = new int[outputs];
                Int8Kernels.MatVec(q, m, acc, path);
                Assert.True(expected.AsSpan().SequenceEqual(acc), $"{path} differs (trial {trial})");
            }
        }
    }

    [Theory]
    [InlineData(256, 768, 3)]  // a pair of rows, then one alone
    [InlineData(1024, 256, 4)]
    public void Rows_of_a_batch_each_get_their_own_products_on_every_path(int inputs, int outputs, int rows)
    {
        var rng = new Random(inputs + rows);
        var m = RandomMatrix(rng, inputs, outputs, extreme: false);
        int stride = inputs + 8; // rows need not be packed
        var q = new sbyte[rows * stride];
        for (int i = 0; i < q.Length; i++) q[i] = (sbyte)rng.Next(-127, 128);
        var expected = new int[rows * outputs];
        for (int r = 0; r < rows; r++)
            for (int n = 0; n < outputs; n++)
                for (int k = 0; k < inputs; k++)
                    expected[r * outputs + n] += q[r * stride + k] * m.Grouped[Int8Matrix.IndexOf(inputs, k, n)];
        foreach (var path in Paths)
        {
            var acc = new int[rows * outputs];
            Int8Kernels.MatMul(q, stride, rows, m, acc, outputs, 0, outputs / Int8Matrix.BlockOutputs, path);
            Assert.True(expected.AsSpan().SequenceEqual(acc), $"{path} differs");
        }
    }

    [Fact]
    public unsafe void Key_and_value_products_are_identical_on_every_path()
    {
        const int dh = 64;
        Gen.Select(Gen.Short[-127, 127].Array[dh], Gen.Short[-32767, 32767].Array[dh * 9], Gen.Int[0, 16384].Array[9], Gen.Int[1, 9])
            .Sample((q, keys, p, count) =>
            {
                var dots = new int[count];
                for (int j = 0; j < count; j++)
                    for (int i = 0; i < dh; i++) dots[j] += q[i] * keys[j * dh + i];
                var weighted = new int[dh];
                var values = new short[dh * 10];
                var cache = new short[dh * 16]; // whole blocks of eight positions
                for (int j = 0; j < count; j++)
                    for (int i = 0; i < dh; i++)
                    {
                        weighted[i] += p[j] * keys[j * dh + i];
                        values[Int8Kernels.ValueIndex(j, i, dh)] = keys[j * dh + i];
                        cache[Int8Kernels.KeyIndex(j, i, dh)] = keys[j * dh + i];
                    }
                foreach (var path in Paths)
                {
                    var d = new int[16];
                    var o = new int[dh];
                    fixed (short* qp = q, kp = cache, vp = values)
                    fixed (int* dp = d, pp = p, op = o)
                    {
                        Assert.Equal(dots.Max(), Int8Kernels.KeyDots(qp, kp, count, dh, dp, path));
                        Int8Kernels.WeightedValues(pp, count, vp, dh, op, path);
                    }
                    Assert.Equal(dots, d[..count]);
                    Assert.Equal(weighted, o);
                }
            }, iter: 200);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(2L)]
    [InlineData(4503599627370495L)]   // 2^52 - 1
    [InlineData(4503599493152768L)]   // (2^26 - 1)^2 - 1 ... below a square
    public void Integer_square_root_is_exact(long v)
    {
        long s = IntegerForward.IntegerSqrt(v);
        Assert.True(s * s <= v && (s + 1) * (s + 1) > v, $"isqrt({v}) = {s}");
    }

    [Fact]
    public void Integer_square_root_is_exact_next_to_every_square()
    {
        var rng = new Random(3);
        for (int i = 0; i < 10000; i++)
        {
            long k = rng.NextInt64(1, 1L << 26);
            foreach (long v in new[] { k * k - 1, k * k, k * k + 1 })
                Assert.Equal(v < k * k ? k - 1 : k, IntegerForward.IntegerSqrt(v));
        }
    }
}
