using System.Numerics;
using System.Runtime.Intrinsics;

namespace Lmz.Models.Bits;

/// <summary>
/// Finds the record length of tabular data: when the distance between two occurrences of a byte
/// value equals the previous distance for that value, the distance gets a vote; the length with
/// the most recent votes (at least a few) is the record length, else 0.
/// </summary>
internal sealed class RecordLength
{
    private readonly int[] _lastPosition = new int[256];
    private readonly int[] _lastDistance = new int[256];
    private int _candidate, _candidateVotes;

    /// <summary>The detected record length (0: none yet).</summary>
    public int Length { get; private set; }

    public void ByteDone(byte value, int position)
    {
        int distance = position - _lastPosition[value];
        if (distance == _lastDistance[value] && distance > 2 && distance < 1 << 16)
        {
            if (distance == _candidate) _candidateVotes++;
            else if (--_candidateVotes <= 0) (_candidate, _candidateVotes) = (distance, 1);
            if (_candidateVotes >= 4) Length = _candidate;
        }
        _lastDistance[value] = distance;
        _lastPosition[value] = position;
    }

    /// <summary>The longest row <see cref="Detect"/> reports.</summary>
    public const int MaxDetected = 16384;

    /// <summary>
    /// The encoder's look at a whole chunk: the row length of an image or table, from how often a
    /// byte equals the one <c>r</c> before it (where it differs from the byte just before it, so
    /// runs don't count), over <paramref name="samples"/> bytes from the middle of the chunk, for
    /// r in 256..16384 (shorter records are the online detection's). The best r is kept only when
    /// it stands out (1.8 times the mean over all r), nearly matches the best r below 256 (92%, as
    /// the row above does in an image), and is not a multiple of what the online detection finds
    /// by the end of the chunk anyway (ptt5: 216 online, 432 here). Returns 0 for none. The
    /// thresholds: docs/decisions/byte-model.md, "The encoder's row length".
    /// </summary>
    public static int Detect(ReadOnlySpan<byte> data, int samples = 16384)
    {
        const int MinLength = 256;
        int maxLength = Math.Min(MaxDetected, data.Length / 4);
        samples = Math.Min(samples, data.Length - maxLength - 1);
        if (maxLength < MinLength || samples < 1024) return 0;
        int start = Math.Max(maxLength + 1, (data.Length - samples) / 2);
        var block = data.Slice(start, samples);
        var before = data.Slice(start - 1, samples);
        int best = 0, bestScore = -1;
        long total = 0;
        for (int r = MinLength; r <= maxLength; r++)
        {
            int score = Agreements(block, data.Slice(start - r, samples), before);
            total += score;
            if (score > bestScore) (best, bestScore) = (r, score);
        }
        long mean = total / (maxLength - MinLength + 1);
        int shortScore = 0;
        for (int r = 2; r < MinLength; r++) shortScore = Math.Max(shortScore, Agreements(block, data.Slice(start - r, samples), before));
        if (bestScore * 5 < mean * 9 || bestScore * 100 < shortScore * 92) return 0;
        var online = new RecordLength();
        for (int i = 0; i < data.Length; i++) online.ByteDone(data[i], i + 1);
        return online.Length >= 16 && best % online.Length == 0 ? 0 : best;
    }

    /// <summary>Positions where <paramref name="a"/> equals <paramref name="b"/> but differs from <paramref name="previous"/>.</summary>
    private static int Agreements(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> previous)
    {
        int count = 0, i = 0;
        for (; i + Vector256<byte>.Count <= a.Length; i += Vector256<byte>.Count)
        {
            var x = Vector256.Create(a[i..]);
            var same = Vector256.Equals(x, Vector256.Create(b[i..])) & ~Vector256.Equals(x, Vector256.Create(previous[i..]));
            count += BitOperations.PopCount(same.ExtractMostSignificantBits());
        }
        for (; i < a.Length; i++) if (a[i] == b[i] && a[i] != previous[i]) count++;
        return count;
    }
}
