namespace Lmz.Bytes;

/// <summary>
/// A context's bit history in one byte: how many zeros (high nibble) and ones (low nibble) it
/// has seen, each at most 15. Seeing a bit makes the history less sure of the other: an
/// opposite count above 2 keeps 2 plus half its excess, so old statistics fade (nonstationary
/// data) while a long run still reads as certain. State 0 is "never seen".
/// </summary>
internal static class BitHistory
{
    private static readonly byte[] Next = Build();

    /// <summary>The state after seeing <paramref name="bit"/>.</summary>
    public static byte Update(byte state, int bit) => Next[state * 2 + bit];

    public static int Zeros(byte state) => state >> 4;

    public static int Ones(byte state) => state & 15;

    private static byte[] Build()
    {
        var next = new byte[512];
        for (int s = 0; s < 256; s++)
        {
            int n0 = s >> 4, n1 = s & 15;
            next[2 * s] = Pack(Math.Min(n0 + 1, 15), Fade(n1));
            next[2 * s + 1] = Pack(Fade(n0), Math.Min(n1 + 1, 15));
        }
        return next;
    }

    private static int Fade(int n) => n > 2 ? 2 + (n - 2) / 2 : n;

    private static byte Pack(int n0, int n1) => (byte)(n0 << 4 | n1);
}
