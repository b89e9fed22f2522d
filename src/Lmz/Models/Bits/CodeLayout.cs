namespace Lmz.Models.Bits;

/// <summary>
/// The layout and syntax of code as the byte model's code contexts see it (format 14's hybrid;
/// <see cref="ByteContexts.CodeContexts"/>). It follows each coded byte and tracks:
/// <list type="bullet">
/// <item>the visual column (a tab moves to the next multiple of 8) and whether the line so far is
/// whitespace;</item>
/// <item>per open bracket: its column, the column of its first argument when that is on the same
/// line, its first identifier (the head: <c>defun</c>, <c>let</c>, a function's name) and how many
/// elements it has begun;</item>
/// <item>the identifier being written: letters, digits, '_', '-', '*' and bytes of 128 and up.</item>
/// </list>
/// Indentation follows from the open bracket's and its first argument's columns; what comes next
/// in a list follows from its head and the element's index. How it was chosen:
/// docs/decisions/byte-model.md, "Code contexts".
/// </summary>
internal sealed class CodeLayout
{
    private const int MaxDepth = 64; // deeper brackets share the innermost tracked one
    private readonly byte[] _open = new byte[MaxDepth];     // the bracket's column
    private readonly byte[] _argument = new byte[MaxDepth]; // its first argument's column, 0: none on its line
    private readonly byte[] _phase = new byte[MaxDepth];    // 0: in the head, 1: after it, 2: argument seen
    private readonly uint[] _head = new uint[MaxDepth];     // the hash of its first identifier, 0: none
    private readonly byte[] _count = new byte[MaxDepth];    // elements begun in it
    private uint _identifier;
    private bool _inElement, _leading = true;
    private int _depth, _column;

    /// <summary>The hash of the identifier the next byte continues, 0 outside one.</summary>
    public uint Identifier => _identifier;

    /// <summary>Follows one coded byte.</summary>
    public void ByteDone(byte value)
    {
        int d = Innermost;
        if (IsIdentifierByte(value)) _identifier = (_identifier + value + 1) * 0x2F0B3A49u;
        else if (_identifier != 0)
        {
            if (d >= 0 && _count[d] == 1 && _head[d] == 0) _head[d] = _identifier;
            _identifier = 0;
        }
        bool blank = value is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
        if (blank) _inElement = false;
        else if (!_inElement || IsOpening(value))
        {
            _inElement = true;
            if (d >= 0 && _count[d] < 255) _count[d]++;
        }
        if (value == '\n')
        {
            (_column, _leading) = (0, true);
            return;
        }
        int at = _column;
        _column = value == '\t' ? Math.Min((_column / 8 + 1) * 8, 255) : Math.Min(_column + 1, 255);
        if (blank)
        {
            if (d >= 0 && _phase[d] == 0) _phase[d] = 1;
            return;
        }
        _leading = false;
        if (d >= 0 && _phase[d] == 1 && _argument[d] == 0) (_argument[d], _phase[d]) = ((byte)Math.Max(at, 1), 2);
        if (IsOpening(value))
        {
            if (_depth < MaxDepth) (_open[_depth], _argument[_depth], _phase[_depth], _head[_depth], _count[_depth]) = ((byte)at, 0, 0, 0, 0);
            _depth++;
            _inElement = false;
        }
        else if (value is (byte)')' or (byte)']' or (byte)'}' && _depth > 0) _depth--;
    }

    /// <summary>
    /// The Indent context: in a line's leading whitespace the column with the innermost open
    /// bracket's column and its first argument's; past it the column relative to that bracket with
    /// byte −1 (<paramref name="c1"/>).
    /// </summary>
    public ulong Indent(int c1)
    {
        int d = Innermost;
        int open = d >= 0 ? _open[d] + 1 : 0, argument = d >= 0 ? _argument[d] : 0;
        if (_leading) return (ulong)_column << 24 | (ulong)open << 16 | (ulong)argument << 8 | 1;
        return (ulong)Math.Min(_column - open + 128, 255) << 16 | (ulong)c1 << 8 | 2;
    }

    /// <summary>The Syntax context: the innermost list's head and the next byte's element index, with the identifier so far.</summary>
    public ulong Syntax
    {
        get
        {
            int d = Innermost;
            if (d < 0) return (ulong)_identifier << 8;
            return ((ulong)_head[d] << 32 | _identifier) ^ (ulong)Index(d) << 24;
        }
    }

    /// <summary>The ParentSyntax context: <see cref="Syntax"/> with the enclosing list's head.</summary>
    public ulong ParentSyntax
    {
        get
        {
            int d = Innermost;
            if (d < 0) return (ulong)_identifier << 8 | 1;
            uint parent = d >= 1 ? _head[d - 1] : 0;
            return ((ulong)_head[d] << 32 | _identifier) ^ (ulong)Index(d) << 24 ^ (ulong)parent * 0x9E3779B1u << 8 ^ 5;
        }
    }

    /// <summary>Number of <see cref="Selector"/> values.</summary>
    public const int Selectors = 128;

    /// <summary>A mixer weight-set selector: leading whitespace or not, the element index, inside an identifier or not, and the depth up to 3.</summary>
    public int Selector
    {
        get
        {
            int d = Innermost;
            int index = d < 0 ? 0 : Index(d);
            return ((_leading ? 8 : 0) + index + (_identifier == 0 ? 16 : 0)) * 4 + Math.Min(_depth, 3);
        }
    }

    private int Innermost => Math.Min(_depth, MaxDepth) - 1;

    /// <summary>The index (at most 7) of the element the next byte is in or begins.</summary>
    private int Index(int d) => Math.Min(_count[d] + (_inElement ? 0 : 1), 7);

    private static bool IsOpening(byte value) => value is (byte)'(' or (byte)'[' or (byte)'{';

    private static bool IsIdentifierByte(byte value) =>
        char.IsAsciiLetterOrDigit((char)value) || value is (byte)'_' or (byte)'-' or (byte)'*' || value >= 128;
}
