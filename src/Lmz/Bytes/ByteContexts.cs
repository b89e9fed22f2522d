namespace Lmz.Bytes;

/// <summary>The hashed contexts of the byte model; each can be switched off for ablation.</summary>
[Flags]
internal enum ByteContexts
{
    None = 0,
    Order2 = 1 << 0,
    Order3 = 1 << 1,
    Order4 = 1 << 2,
    Order6 = 1 << 3,
    /// <summary>The letters of the current word (case-folded), and the previous word with the last byte outside one.</summary>
    Word = 1 << 4,
    /// <summary>Byte −2 alone: 16-bit structures and every other byte.</summary>
    Skip1 = 1 << 5,
    /// <summary>Bytes −2 and −3.</summary>
    Skip1Pair = 1 << 6,
    /// <summary>Byte −4 alone: 32-bit structures.</summary>
    Skip3 = 1 << 7,
    /// <summary>Fixed-length records: the bytes one and two records above.</summary>
    RecordColumn = 1 << 8,
    /// <summary>Fixed-length records: the byte above with the byte to the left.</summary>
    RecordAboveLeft = 1 << 9,
    /// <summary>Fixed-length records as images: the bytes above-left, above and above-right.</summary>
    RecordNeighbours = 1 << 10,
    /// <summary>Fixed-length records as 1-bit images: the pixels around the next bit's column in the two rows above, and the seven to its left.</summary>
    Pixels = 1 << 11,
    All = (1 << 12) - 1,
}

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
}
