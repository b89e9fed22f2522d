namespace Lmz.Models.Bits;

/// <summary>
/// Lines as templates with numbers in them (logs above all). The template is the line so far with
/// each run of digits as one symbol, so lines of one log statement share it whatever their numbers.
/// The k-th run of digits of a line is its k-th number: the numbers of the two lines above predict
/// it, as the same value and as the same step again (sequence numbers, timestamps, PIDs).
/// </summary>
internal sealed class TemplateContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.LineTemplate | ByteContexts.NumberDelta;

    private const int MaxNumbers = 32, MaxDigits = 18; // numbers past these share the last entry; longer runs are no number
    private const int None = 10, Past = 11;           // a digit expected where there is none, and past a number's end

    private Numbers _line = new(), _above = new(), _above2 = new();
    private uint _template = 1;
    private int _digits;      // digits of the run that ends at the last byte
    private long _value;      // their value (−1: too long)
    private int _expectedSame, _expectedStep; // the digits expected next, as NumberDelta reads them
    private bool _followsSame = true, _followsStep = true;

    public TemplateContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) { }

    /// <summary>The template so far (a hash).</summary>
    public uint Template => _template;

    public override void ByteDone(byte value)
    {
        if (char.IsAsciiDigit((char)value))
        {
            if (_digits == 0)
            {
                _template = (_template + '0' + 1) * 0x2F0B3A49u;
                (_followsSame, _followsStep) = (true, true);
            }
            _followsSame &= value - '0' == _expectedSame;
            _followsStep &= value - '0' == _expectedStep;
            _value = _value < 0 || _digits >= MaxDigits ? -1 : _value * 10 + (value - '0');
            _digits++;
        }
        else
        {
            if (_digits > 0) _line.Add(_value, _digits);
            (_digits, _value) = (0, 0);
            _template = (_template + value + 1) * 0x2F0B3A49u;
            if (value == (byte)'\n')
            {
                (_above2, _above, _line) = (_above, _line, _above2);
                _line.Count = 0;
                _template = 1;
            }
        }
        int k = _line.Count;
        _expectedSame = Digit(_above.Value(k), _above.Width(k), _digits);
        long step = _above.Value(k) >= 0 && _above2.Value(k) >= 0 ? 2 * _above.Value(k) - _above2.Value(k) : _above.Value(k);
        _expectedStep = Digit(step, _above.Width(k), _digits);
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind == ByteContexts.LineTemplate
                ? (ulong)Math.Min(_digits, 20) << 32 | _template
                : (ulong)Math.Min(_line.Count, MaxNumbers) << 40 | (ulong)Math.Min(_digits, 20) << 32
                    | (uint)_expectedSame << 24 | (uint)_expectedStep << 16
                    | (uint)((_digits == 0 || _followsSame) ? 1 : 0) << 9 | (uint)((_digits == 0 || _followsStep) ? 1 : 0) << 8
                    | (uint)(_digits == 0 ? Bytes.Byte(1) : '0'); // NumberDelta
        }
    }

    /// <summary>
    /// Digit <paramref name="offset"/> of <paramref name="number"/> written with at least
    /// <paramref name="width"/> digits (leading zeros); <see cref="Past"/> past its last digit,
    /// <see cref="None"/> without a number.
    /// </summary>
    private static int Digit(long number, int width, int offset)
    {
        if (number < 0) return None;
        int length = 1;
        for (long n = number / 10; n > 0; n /= 10) length++;
        length = Math.Max(length, width);
        if (offset >= length) return Past;
        for (int i = length - 1; i > offset; i--) number /= 10;
        return (int)(number % 10);
    }

    /// <summary>A line's numbers: each one's value (−1: too long) and digits.</summary>
    private sealed class Numbers
    {
        private readonly long[] _values = new long[MaxNumbers];
        private readonly int[] _widths = new int[MaxNumbers];

        /// <summary>Numbers ended so far on the line.</summary>
        public int Count { get; set; }

        public void Add(long value, int digits)
        {
            int k = Math.Min(Count, MaxNumbers - 1);
            (_values[k], _widths[k]) = (value, digits);
            if (Count < MaxNumbers) Count++;
        }

        /// <summary>Number <paramref name="k"/>'s value, −1 without it.</summary>
        public long Value(int k) => k < Count ? _values[Math.Min(k, MaxNumbers - 1)] : -1;

        /// <summary>Number <paramref name="k"/>'s digits, 0 without it.</summary>
        public int Width(int k) => k < Count ? _widths[Math.Min(k, MaxNumbers - 1)] : 0;
    }
}
