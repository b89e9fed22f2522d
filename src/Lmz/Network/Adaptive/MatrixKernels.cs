using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lmz.Network.Adaptive;

/// <summary>
/// The float matrix products of the adaptive network. Every output element is one sum over k
/// in increasing order, each step an IEEE multiply then an IEEE add (never fused): vectors run
/// across output columns only, so the vector width, the tiling and the thread count change the
/// speed but never a bit of the result, on any machine.
/// </summary>
internal static class MatrixKernels
{
    private const int Rows = 4;

    /// <summary>Work (m·k·n multiply-adds) above which a product is split across threads.</summary>
    private const long ParallelWork = 1 << 17;

    /// <summary>c[m×n] = a[m×k] · b[k×n] (row-major), or c += a·b when <paramref name="accumulate"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false, int threads = 1)
    {
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n) throw new ArgumentException("matrix spans are shorter than their shapes");
        if (!accumulate) c[..(m * n)].Clear();
        int blocks = (m + Rows - 1) / Rows;
        if (threads <= 1 || (long)m * k * n < ParallelWork)
        {
            MultiplyTile(a, b, c, 0, m, 0, n, k, n);
            return;
        }
        // Split rows when there are enough, else columns in whole vector groups: either way each
        // element is computed by exactly the same operations.
        bool byRows = blocks >= 2 * threads;
        int units = byRows ? blocks : (n + 31) / 32;
        int parts = Math.Min(threads, units);
        unsafe
        {
            fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c)
            {
                var (ra, rb, rc) = ((nint)pa, (nint)pb, (nint)pc);
                Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
                {
                    int first = units * part / parts, last = units * (part + 1) / parts;
                    var sa = new ReadOnlySpan<float>((float*)ra, m * k);
                    var sb = new ReadOnlySpan<float>((float*)rb, k * n);
                    var sc = new Span<float>((float*)rc, m * n);
                    if (byRows) MultiplyTile(sa, sb, sc, first * Rows, Math.Min(m, last * Rows), 0, n, k, n);
                    else MultiplyTile(sa, sb, sc, 0, m, first * 32, Math.Min(n, last * 32), k, n);
                });
            }
        }
    }

    /// <summary>dst[cols×rows] = src[rows×cols]ᵀ.</summary>
    public static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        const int Tile = 16;
        for (int r0 = 0; r0 < rows; r0 += Tile)
            for (int c0 = 0; c0 < cols; c0 += Tile)
            {
                int r1 = Math.Min(rows, r0 + Tile), c1 = Math.Min(cols, c0 + Tile);
                for (int r = r0; r < r1; r++)
                    for (int c = c0; c < c1; c++)
                        dst[c * rows + r] = src[r * cols + c];
            }
    }

    /// <summary>y[i] += scale · x[i], elementwise (multiply then add).</summary>
    public static void AddScaled(Span<float> y, ReadOnlySpan<float> x, float scale)
    {
        int i = 0;
        var s = Vector256.Create(scale);
        for (; i + 8 <= y.Length; i += 8)
        {
            var v = Vector256.Create(y.Slice(i, 8)) + Vector256.Create(x.Slice(i, 8)) * s;
            v.CopyTo(y.Slice(i, 8));
        }
        for (; i < y.Length; i++) y[i] += x[i] * scale;
    }

    /// <summary>Column panels small enough that their slice of b stays in the core's L2 cache while every row block passes over it.</summary>
    private const int Panel = 256;

    private static void MultiplyTile(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int rowFirst, int rowLast, int colFirst, int colLast, int k, int n)
    {
        if (rowLast - rowFirst < Rows)
        {
            for (int i = rowFirst; i < rowLast; i++) RowAxpy(a, b, c, i, colFirst, colLast, k, n);
            return;
        }
        for (int jp = colFirst; jp < colLast; jp += Panel)
        {
            int jEnd = Math.Min(colLast, jp + Panel);
            int i = rowFirst;
            for (; i + Rows <= rowLast; i += Rows) Tile4(a, b, c, i, jp, jEnd, k, n);
            for (; i < rowLast; i++) RowAxpy(a, b, c, i, jp, jEnd, k, n);
        }
    }

    /// <summary>
    /// One row, columns [j0, j1): c += a[i,p]·b[p,·] for p in order, streaming b's rows
    /// contiguously (the one-token step reads every weight once).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowAxpy(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int i, int j0, int j1, int k, int n)
    {
        ref float cc = ref c[i * n];
        ref float bb = ref Unsafe.AsRef(in b[0]);
        int vectorEnd = j0 + (j1 - j0) / 8 * 8;
        for (int p = 0; p < k; p++)
        {
            float x = a[i * k + p];
            var xv = Vector256.Create(x);
            ref float row = ref Unsafe.Add(ref bb, (nint)p * n);
            int j = j0;
            for (; j + 32 <= vectorEnd; j += 32)
            {
                (Vector256.LoadUnsafe(ref cc, (nuint)j) + xv * Vector256.LoadUnsafe(ref row, (nuint)j)).StoreUnsafe(ref cc, (nuint)j);
                (Vector256.LoadUnsafe(ref cc, (nuint)j + 8) + xv * Vector256.LoadUnsafe(ref row, (nuint)j + 8)).StoreUnsafe(ref cc, (nuint)j + 8);
                (Vector256.LoadUnsafe(ref cc, (nuint)j + 16) + xv * Vector256.LoadUnsafe(ref row, (nuint)j + 16)).StoreUnsafe(ref cc, (nuint)j + 16);
                (Vector256.LoadUnsafe(ref cc, (nuint)j + 24) + xv * Vector256.LoadUnsafe(ref row, (nuint)j + 24)).StoreUnsafe(ref cc, (nuint)j + 24);
            }
            for (; j < vectorEnd; j += 8)
                (Vector256.LoadUnsafe(ref cc, (nuint)j) + xv * Vector256.LoadUnsafe(ref row, (nuint)j)).StoreUnsafe(ref cc, (nuint)j);
            for (; j < j1; j++) Unsafe.Add(ref cc, j) += x * Unsafe.Add(ref row, j);
        }
    }

    /// <summary>Rows i..i+3, columns [j0, j1): 16 columns per pass, scalar tail in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int i, int j0, int j1, int k, int n)
    {
        ref float a0 = ref Unsafe.AsRef(in a[i * k]);
        ref float a1 = ref Unsafe.Add(ref a0, k);
        ref float a2 = ref Unsafe.Add(ref a1, k);
        ref float a3 = ref Unsafe.Add(ref a2, k);
        ref float bb = ref Unsafe.AsRef(in b[0]);
        ref float c0 = ref c[i * n];
        ref float c1 = ref Unsafe.Add(ref c0, n);
        ref float c2 = ref Unsafe.Add(ref c1, n);
        ref float c3 = ref Unsafe.Add(ref c2, n);
        int j = j0;
        for (; j + 16 <= j1; j += 16)
        {
            var s0 = Vector256.LoadUnsafe(ref c0, (nuint)j); var t0 = Vector256.LoadUnsafe(ref c0, (nuint)j + 8);
            var s1 = Vector256.LoadUnsafe(ref c1, (nuint)j); var t1 = Vector256.LoadUnsafe(ref c1, (nuint)j + 8);
            var s2 = Vector256.LoadUnsafe(ref c2, (nuint)j); var t2 = Vector256.LoadUnsafe(ref c2, (nuint)j + 8);
            var s3 = Vector256.LoadUnsafe(ref c3, (nuint)j); var t3 = Vector256.LoadUnsafe(ref c3, (nuint)j + 8);
            for (int p = 0; p < k; p++)
            {
                ref float row = ref Unsafe.Add(ref bb, (nint)p * n + j);
                var u = Vector256.LoadUnsafe(ref row);
                var w = Vector256.LoadUnsafe(ref row, 8);
                var x0 = Vector256.Create(Unsafe.Add(ref a0, p));
                var x1 = Vector256.Create(Unsafe.Add(ref a1, p));
                var x2 = Vector256.Create(Unsafe.Add(ref a2, p));
                var x3 = Vector256.Create(Unsafe.Add(ref a3, p));
                s0 += x0 * u; t0 += x0 * w;
                s1 += x1 * u; t1 += x1 * w;
                s2 += x2 * u; t2 += x2 * w;
                s3 += x3 * u; t3 += x3 * w;
            }
            s0.StoreUnsafe(ref c0, (nuint)j); t0.StoreUnsafe(ref c0, (nuint)j + 8);
            s1.StoreUnsafe(ref c1, (nuint)j); t1.StoreUnsafe(ref c1, (nuint)j + 8);
            s2.StoreUnsafe(ref c2, (nuint)j); t2.StoreUnsafe(ref c2, (nuint)j + 8);
            s3.StoreUnsafe(ref c3, (nuint)j); t3.StoreUnsafe(ref c3, (nuint)j + 8);
        }
        for (int r = 0; r < Rows; r++) ScalarColumns(a, b, c, i + r, j, j1, k, n);
    }

    private static void ScalarColumns(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int i, int j0, int j1, int k, int n)
    {
        for (int j = j0; j < j1; j++)
        {
            float s = c[i * n + j];
            for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
            c[i * n + j] = s;
        }
    }
}
