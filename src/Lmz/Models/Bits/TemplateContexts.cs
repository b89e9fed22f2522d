namespace Lmz.Models.Bits;

/// <summary>
/// Lines as templates with numbers in them (logs, CSV, JSON records). The template is the line so
/// far with each run of digits as one symbol, so lines of one log statement, or one key of JSON
/// records, share it whatever their numbers. Numbers are predicted two ways, each as the same
/// value again and as the same step again (sequence numbers, timestamps, PIDs): from the k-th
/// numbers of the two lines above (the k-th run of digits of a line is its k-th number), and from
/// the numbers that followed the same template the last two times. The bytes that followed the
/// same template last time are an indirect context.
/// </summary>
internal sealed class TemplateContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.LineTemplate | ByteContexts.NumberDelta | ByteContexts.TemplateIndirect | ByteContexts.TemplateNumber;

    private const int MaxNumbers = 32, MaxDigits = 18; // numbers past these share the last entry; longer runs are no number
    private const int None = 10, Past = 11;           // a digit expected where there is none, and past a number's end
    private const int KeyBits = 18, NumberKeyBits = 16;

    private readonly int[] _followed = new int[1 << KeyBits];                 // per template key: 1 + where the byte after it was
    private readonly long[] _last = new long[1 << NumberKeyBits], _before = new long[1 << NumberKeyBits]; // per template: 1 + its numbers
    private readonly byte[] _width = new byte[1 << NumberKeyBits];
    private Numbers _line = new(), _above = new(), _above2 = new();
    private uint _template = 1;
    private int _digits;      // digits of the run that ends at the last byte
    private long _value;      // their value (−1: too long)
    private uint _key;        // the template with the digits of the current run so far, hashed to KeyBits bits
    private uint _numberKey;  // the template's number key where the current run began
    private Guess _byLine, _byTemplate;

    public TemplateContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) => _key = Key();

    /// <summary>The template with the digits of the current run so far, hashed to <see cref="KeyBits"/> bits.</summary>
    private uint Key() => (_template + (uint)_digits * 0x9E3779B1u) * 0x2F0B3A49u >> (32 - KeyBits);

    public override void ByteDone(byte value)
    {
        _followed[_key] = Bytes.Position;
        if (char.IsAsciiDigit((char)value))
        {
            if (_digits == 0)
            {
                _numberKey = _key >> (KeyBits - NumberKeyBits);
                _template = (_template + '0' + 1) * 0x2F0B3A49u;
                _byLine.Start();
                _byTemplate.Start();
            }
            _byLine.Follow(value - '0');
            _byTemplate.Follow(value - '0');
            _value = _value < 0 || _digits >= MaxDigits ? -1 : _value * 10 + (value - '0');
            _digits++;
        }
        else
        {
            if (_digits > 0) NumberDone();
            (_digits, _value) = (0, 0);
            _template = (_template + value + 1) * 0x2F0B3A49u;
            if (value == (byte)'\n')
            {
                (_above2, _above, _line) = (_above, _line, _above2);
                _line.Count = 0;
                _template = 1;
            }
        }
        _key = Key();
        int k = _line.Count;
        _byLine.Expect(_above.Value(k), _above2.Value(k), _above.Width(k), _digits);
        uint key = _digits == 0 ? _key >> (KeyBits - NumberKeyBits) : _numberKey;
        _byTemplate.Expect(_last[key] - 1, _before[key] - 1, _width[key], _digits);
    }

    /// <summary>Keeps the number just ended as the line's k-th and as its template's last.</summary>
    private void NumberDone()
    {
        _line.Add(_value, _digits);
        (_before[_numberKey], _last[_numberKey]) = (_last[_numberKey], _value + 1);
        _width[_numberKey] = (byte)Math.Min(_digits, 255);
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        ulong digits = (ulong)Math.Min(_digits, 20);
        foreach (var (kind, index) in Contexts)
        {
            contexts[index] = kind switch
            {
                ByteContexts.LineTemplate => digits << 32 | _template,
                ByteContexts.NumberDelta => (ulong)Math.Min(_line.Count, MaxNumbers) << 40 | digits << 32 | _byLine.Context << 8
                    | (uint)(_digits == 0 ? Bytes.Byte(1) : '0'),
                ByteContexts.TemplateIndirect => Indirect(),
                _ => (ulong)(_digits == 0 ? _key : _numberKey) << 24 | digits << 16 | _byTemplate.Context << 4 | 1UL << 63, // TemplateNumber
            };
        }
    }

    /// <summary>The template with the two bytes that followed it the last time (none yet: the template alone).</summary>
    private ulong Indirect()
    {
        int at = _followed[_key];
        if (at == 0) return (ulong)_key << 20 | 1UL << 63;
        return (ulong)_key << 20 | (uint)Bytes[at - 1] << 9 | (uint)(at < Bytes.Position ? Bytes[at] : 256);
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
        while (length < Powers.Length && number >= Powers[length]) length++;
        length = Math.Max(length, width);
        if (offset >= length) return Past;
        int shift = length - 1 - offset;
        return shift >= Powers.Length ? 0 : (int)(number / Powers[shift] % 10);
    }

    /// <summary>10^0 … 10^18.</summary>
    private static readonly long[] Powers = PowersOf10();

    private static long[] PowersOf10()
    {
        var powers = new long[19];
        powers[0] = 1;
        for (int i = 1; i < powers.Length; i++) powers[i] = powers[i - 1] * 10;
        return powers;
    }

    /// <summary>A number's next digit as the same value again and as the same step again, and whether the digits so far followed each.</summary>
    private struct Guess
    {
        private int _same, _step;
        private bool _followsSame, _followsStep;

        public void Start() => (_followsSame, _followsStep) = (true, true);

        public void Follow(int digit)
        {
            _followsSame &= digit == _same;
            _followsStep &= digit == _step;
        }

        /// <summary>Sets the digits expected at <paramref name="offset"/> from the last value and the one before (−1: none).</summary>
        public void Expect(long last, long before, int width, int offset)
        {
            if (offset == 0) Start();
            _same = Digit(last, width, offset);
            _step = Digit(last >= 0 && before >= 0 ? 2 * last - before : last, width, offset);
        }

        /// <summary>Both digits and both flags in 10 bits.</summary>
        public readonly uint Context => (uint)_same << 6 | (uint)_step << 2 | (_followsSame ? 2u : 0) | (_followsStep ? 1u : 0);
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
