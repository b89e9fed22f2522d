namespace Lmz.Models.Bits;

/// <summary>
/// JSON and nested data like it: a small parser follows strings (with escapes), objects and arrays.
/// The context is the key path (the keys of the enclosing objects), the current key, the index in
/// the innermost array, whether the parser is inside a string, and the value so far. Text that is
/// no JSON only moves the parser through states that mean little; it cannot fail.
/// </summary>
internal sealed class JsonContexts : ByteContextFamily
{
    /// <summary>The flags this family computes.</summary>
    public const ByteContexts Owned = ByteContexts.JsonPath;

    private const int MaxDepth = 32; // deeper levels share the last entry

    private readonly uint[] _paths = new uint[MaxDepth];  // per level: the path hash above it
    private readonly uint[] _keys = new uint[MaxDepth];   // per level: its current key (0: none yet)
    private readonly int[] _indices = new int[MaxDepth];  // per level: the array index (−1: an object)
    private int _depth;
    private bool _inString, _escaped;
    private uint _string, _lastString; // the string so far, and the last whole one
    private uint _value;               // the value so far (a hash of its bytes since its key or comma)

    public JsonContexts(CodedBytes bytes, ByteContexts[] kinds) : base(bytes, kinds, Owned) => _indices[0] = -1;

    public override void ByteDone(byte value)
    {
        _value = (_value + value + 1) * 0x2F0B3A49u;
        if (_inString)
        {
            if (_escaped) _escaped = false;
            else if (value == (byte)'\\') _escaped = true;
            else if (value == (byte)'"') (_inString, _lastString) = (false, _string);
            _string = (_string + value + 1) * 0x01000193u;
            return;
        }
        int level = Math.Min(_depth, MaxDepth - 1);
        switch (value)
        {
            case (byte)'"':
                (_inString, _string) = (true, 1);
                break;
            case (byte)':':
                _keys[level] = _lastString;
                _value = 0;
                break;
            case (byte)',':
                if (_indices[level] >= 0) _indices[level]++;
                else _keys[level] = 0;
                _value = 0;
                break;
            case (byte)'{' or (byte)'[':
                uint path = (_paths[level] + _keys[level] + (_indices[level] >= 0 ? 0x9E3779B1u : 0)) * 0x3D4D51CBu + value;
                _depth++;
                level = Math.Min(_depth, MaxDepth - 1);
                (_paths[level], _keys[level], _indices[level]) = (path, 0, value == (byte)'[' ? 0 : -1);
                _value = 0;
                break;
            case (byte)'}' or (byte)']':
                if (_depth > 0) _depth--;
                _value = 0;
                break;
        }
    }

    public override void WriteContexts(Span<ulong> contexts)
    {
        int level = Math.Min(_depth, MaxDepth - 1);
        ulong where = (ulong)(_paths[level] ^ _keys[level] * 0x9E3779B1u) << 32;
        ulong index = (ulong)Math.Min(_indices[level] + 1, 15) << 28 | (ulong)(_inString ? 1 : 0) << 27;
        foreach (var (_, i) in Contexts) contexts[i] = where ^ index ^ _value;
    }
}
