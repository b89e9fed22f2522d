namespace Lmz.Models.Bits;

/// <summary>
/// Fields of delimited and log lines. A line's delimiter is the one of ',', tab, '|' and ';' that
/// the line before held at least twice (most often; ties in that order), else runs of spaces; with
/// a delimiter other than space, double quotes hide delimiters. The contexts read the field index,
/// the field so far, and the same field one and two lines up; with them the model may choose a
/// weight set and an APM by field (<see cref="ByteModelOptions.FieldMixing"/>).
/// </summary>
internal sealed class FieldContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.FieldAbove | ByteContexts.FieldAbove2;

    private const int MaxFields = 64; // fields past this share the last entry
    private static readonly byte[] Delimiters = [(byte)',', (byte)'\t', (byte)'|', (byte)';'];

    private Line _line = new(), _above = new(), _above2 = new();
    private readonly int[] _counts = new int[Delimiters.Length]; // each delimiter on this line
    private byte _delimiter = (byte)' ';
    private bool _quoted, _sameAsAbove = true;
    private int _expected; // the byte above the next one, as FieldAbove reads it

    public FieldContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    /// <summary>The field index of the next byte (up to <see cref="MaxFields"/> − 1).</summary>
    public int Index => _line.Count;

    /// <summary>Whether the field so far repeats the same field of the line above.</summary>
    public bool SameAsAbove => _sameAsAbove;

    /// <summary>The byte at the next byte's offset in the same field of the line above (its delimiter past its end; 256 for none).</summary>
    public int Expected => _expected;

    public override void ByteDone(byte value)
    {
        if (value != _expected) _sameAsAbove = false;
        _line.Hash = (_line.Hash + value + 1) * 0x2F0B3A49u;
        if (value == (byte)'\n')
        {
            _line.End(Bytes.Position - 1);
            (_above2, _above, _line) = (_above, _line, _above2);
            _line.Reset(Bytes.Position);
            _delimiter = Chosen();
            Array.Clear(_counts);
            _quoted = false;
            _sameAsAbove = true;
        }
        else
        {
            int d = Array.IndexOf(Delimiters, value);
            if (d >= 0) _counts[d]++;
            if (value == (byte)'"' && _delimiter != (byte)' ') _quoted = !_quoted;
            else if (value == _delimiter && !_quoted && !(value == (byte)' ' && Bytes.Byte(2) == ' '))
            {
                _line.End(Bytes.Position - 1);
                _line.Next(Bytes.Position);
                _sameAsAbove = true;
            }
        }
        _expected = AboveByte();
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        ulong field = (ulong)_line.Count << 56;
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind switch
            {
                ByteContexts.FieldAbove => field | (ulong)Offset << 40 | (ulong)(_sameAsAbove ? 1 : 0) << 32
                    | (uint)_expected << 16 | (uint)NextAbove() << 8 | (uint)Bytes.Byte(1),
                _ => field ^ (ulong)_above.Whole(_line.Count) << 24 ^ (ulong)_above2.Whole(_line.Count) * 0x9E3779B1u ^ _line.Hash, // FieldAbove2
            };
        }
    }

    /// <summary>Bytes of the current field so far.</summary>
    private int Offset => Math.Min(Bytes.Position - _line.Start, 255);

    /// <summary>The byte above at the next byte's offset (the above field's delimiter past its end; 256 without that field).</summary>
    private int AboveByte()
    {
        var (start, end) = _above.Span(_line.Count);
        if (start < 0) return 256;
        int at = start + (Bytes.Position - _line.Start);
        return at < end ? Bytes[at] : Bytes[end];
    }

    /// <summary>The byte after <see cref="AboveByte"/> in the above field (0 past its end).</summary>
    private int NextAbove()
    {
        var (start, end) = _above.Span(_line.Count);
        int at = start + (Bytes.Position - _line.Start) + 1;
        return start >= 0 && at < end ? Bytes[at] : 0;
    }

    /// <summary>The delimiter of the next line: the most frequent one of the line just ended, seen at least twice, else space.</summary>
    private byte Chosen()
    {
        int best = -1;
        for (int d = 0; d < _counts.Length; d++)
            if (_counts[d] >= 2 && (best < 0 || _counts[d] > _counts[best])) best = d;
        return best < 0 ? (byte)' ' : Delimiters[best];
    }

    /// <summary>A line's fields: where each starts and ends, and the hash of each whole field.</summary>
    private sealed class Line
    {
        private readonly int[] _starts = new int[MaxFields], _ends = new int[MaxFields];
        private readonly uint[] _wholes = new uint[MaxFields];

        public Line() => Reset(0);

        /// <summary>The current field's index (the number of fields ended before it).</summary>
        public int Count { get; private set; }

        /// <summary>Where the current field starts.</summary>
        public int Start => _starts[Count];

        /// <summary>The hash of the current field so far.</summary>
        public uint Hash { get; set; }

        public void Reset(int start)
        {
            Count = 0;
            _starts[0] = start;
            _ends[0] = -1;
            Hash = 0;
        }

        /// <summary>Ends the current field at <paramref name="end"/> (its delimiter or line feed).</summary>
        public void End(int end)
        {
            _ends[Count] = end;
            _wholes[Count] = Hash;
        }

        /// <summary>Starts the next field at <paramref name="start"/>.</summary>
        public void Next(int start)
        {
            if (Count < MaxFields - 1) Count++;
            _starts[Count] = start;
            _ends[Count] = -1;
            Hash = (uint)Count * 0x01000193u;
        }

        /// <summary>Field <paramref name="index"/>'s start and end, or (−1, −1) if this line had no such field.</summary>
        public (int Start, int End) Span(int index) => index >= 0 && index <= Count && _ends[index] >= 0 ? (_starts[index], _ends[index]) : (-1, -1);

        /// <summary>The hash of whole field <paramref name="index"/> (0 without it).</summary>
        public uint Whole(int index) => index >= 0 && index <= Count && _ends[index] >= 0 ? _wholes[index] : 0;
    }
}
