using System.IO.Hashing;

namespace Lmz.Container;

/// <summary>Byte layout of an .lmz file; docs/FORMAT.md describes it field by field.</summary>
internal static class ContainerFormat
{
    public static ReadOnlySpan<byte> Magic => "LMZ\u001a"u8;
    /// <summary>The file header of formats 6–12; in the compact layout it is <see cref="MaxHeaderSize"/> bytes at most.</summary>
    public const int FileHeaderSize = 36;

    /// <summary>A chunk or end record of formats 6–12; in the compact layout a chunk record is <see cref="MaxRecordSize"/> bytes at most.</summary>
    public const int RecordSize = 25;

    /// <summary>The model fingerprint in headers of formats 6–12: the first 16 bytes of the bundle's SHA-256.</summary>
    public const int FingerprintSize = 16;

    /// <summary>The model fingerprint in compact headers: the first 8 of those bytes.</summary>
    public const int CompactFingerprintSize = 8;

    /// <summary>Longest compact header: magic, version, level, a 4-byte varint chunk size, fingerprint, inference fingerprint, CRC-32.</summary>
    public const int MaxHeaderSize = 4 + 1 + 1 + Varint.MaxBytes + CompactFingerprintSize + 4 + 4;

    /// <summary>Longest compact chunk record: method, three 4-byte varints, two CRC-32s.</summary>
    public const int MaxRecordSize = 1 + 3 * Varint.MaxBytes + 4 + 4;

    /// <summary>Longest compact end record: the end mark and the XxHash64 of the content.</summary>
    public const int MaxEndSize = 1 + 8;

    public static uint Crc(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(data);

    /// <summary>
    /// Whether the bytes after an end record begin another container (a member): they start with
    /// the magic. Anything else there is trailing garbage.
    /// </summary>
    internal static bool StartsMember(ReadOnlySpan<byte> next) => next.Length >= Magic.Length && next[..Magic.Length].SequenceEqual(Magic);
}
