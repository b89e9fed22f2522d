namespace Lmz.Container;

/// <summary>
/// Unsigned LEB128 as compact records write lengths: 7 bits per byte, low bits first, the top
/// bit set on every byte but the last. At most <see cref="MaxBytes"/> bytes (28 bits, beyond
/// any chunk length), and only the shortest form is valid, so every value has one spelling.
/// </summary>
internal static class Varint
{
    public const int MaxBytes = 4;

    /// <summary>Largest value that fits: 2^28 − 1.</summary>
    public const int MaxValue = (1 << (7 * MaxBytes)) - 1;

    /// <summary>Writes <paramref name="value"/> (0 … <see cref="MaxValue"/>) and returns how many bytes it took.</summary>
    public static int Write(Span<byte> destination, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxValue);
        int n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[n++] = (byte)value;
        return n;
    }

    /// <summary>The varint <paramref name="bytes"/> begins with, and in <paramref name="length"/> how many bytes it takes.</summary>
    public static int Read(ReadOnlySpan<byte> bytes, out int length, string what)
    {
        int value = 0;
        for (length = 1; !Add(ref value, bytes[length - 1], length - 1, what); length++) { }
        return value;
    }

    /// <summary>
    /// Adds byte number <paramref name="index"/> (from 0) of a varint to <paramref name="value"/>;
    /// returns whether it was the last. Throws <see cref="InvalidDataException"/> with
    /// <paramref name="what"/> for a fifth byte or a needless zero byte at the end.
    /// </summary>
    public static bool Add(ref int value, byte b, int index, string what)
    {
        value |= (b & 0x7F) << (7 * index);
        if (b < 0x80)
        {
            if (b == 0 && index > 0) throw new InvalidDataException($"{what}: a length written longer than it needs");
            return true;
        }
        if (index == MaxBytes - 1) throw new InvalidDataException($"{what}: a length longer than {MaxBytes} bytes");
        return false;
    }
}
