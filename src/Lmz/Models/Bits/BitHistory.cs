namespace Lmz.Models.Bits;

/// <summary>
/// A context's bit history in one byte: how many zeros (high nibble) and ones (low nibble) it
/// has seen, each at most 15. State 0 is "never seen". Two ways to count:
/// <list type="bullet">
/// <item><see cref="Fading"/>: seeing a bit makes the history less sure of the other: an opposite
/// count above 2 keeps 2 plus half its excess, so old statistics fade (nonstationary data) while a
/// long run still reads as certain.</item>
/// <item><see cref="Halving"/> (format 12's <see cref="ByteContexts.Stationary"/>): counts only
/// grow, and a count that would pass 15 halves both, keeping their ratio (data whose statistics do
/// not drift, such as DNA: E.coli 0.3% smaller, docs/decisions/byte-model.md, "DNA").</item>
/// </list>
/// </summary>
internal static class BitHistory
{
    /// <summary>Next state of s after bit b at [s·2 + b]; the fading counts.</summary>
    public static readonly byte[] Fading = Build(halving: false);

    /// <summary>The same for counts that halve when full.</summary>
    public static readonly byte[] Halving = Build(halving: true);

    public static int Zeros(byte state) => state >> 4;

    public static int Ones(byte state) => state & 15;

    private static byte[] Build(bool halving)
    {
        var next = new byte[512];
        for (int s = 0; s < 256; s++)
        {
            int n0 = s >> 4, n1 = s & 15;
            if (halving)
            {
                next[2 * s] = n0 == 15 ? Pack(8, (n1 + 1) / 2) : Pack(n0 + 1, n1);
                next[2 * s + 1] = n1 == 15 ? Pack((n0 + 1) / 2, 8) : Pack(n0, n1 + 1);
            }
            else
            {
                next[2 * s] = Pack(Math.Min(n0 + 1, 15), Fade(n1));
                next[2 * s + 1] = Pack(Fade(n0), Math.Min(n1 + 1, 15));
            }
        }
        return next;
    }

    private static int Fade(int n) => n > 2 ? 2 + (n - 2) / 2 : n;

    private static byte Pack(int n0, int n1) => (byte)(n0 << 4 | n1);
}
