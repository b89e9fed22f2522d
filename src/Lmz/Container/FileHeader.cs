using System.Buffers.Binary;
using Lmz.Formats;

namespace Lmz.Container;

/// <summary>
/// The file header: format version, level, nominal chunk size, model bundle fingerprint and
/// inference fingerprint, checked by a CRC-32. Formats 6–12 wrote 36 fixed bytes; from
/// format 13 the chunk size is a varint and the fingerprint
/// 8 bytes, 25 bytes in all at the default chunk size (docs/FORMAT.md).
/// </summary>
internal sealed record FileHeader(byte Level, int ChunkSize, byte[] ModelFingerprint, uint InferenceFingerprint)
{
    /// <summary>The format: what this lmz writes, or what the file was written with.</summary>
    public Format Format { get; init; } = Format.Current;

    /// <summary>Where a header's fields after magic, version and level begin.</summary>
    internal const int FixedPrefix = 6;

    /// <summary>The compact header's bytes, as this lmz writes it.</summary>
    public byte[] ToBytes()
    {
        if (!Format.CompactLayout) throw new InvalidOperationException($"this lmz writes format {Format.Current.Version}, not {Format.Version}");
        Span<byte> h = stackalloc byte[ContainerFormat.MaxHeaderSize];
        ContainerFormat.Magic.CopyTo(h);
        h[4] = Format.Version;
        h[5] = Level;
        int at = FixedPrefix + Varint.Write(h[FixedPrefix..], ChunkSize);
        ModelFingerprint.AsSpan(0, ContainerFormat.CompactFingerprintSize).CopyTo(h[at..]);
        at += ContainerFormat.CompactFingerprintSize;
        BinaryPrimitives.WriteUInt32LittleEndian(h[at..], InferenceFingerprint);
        at += 4;
        BinaryPrimitives.WriteUInt32LittleEndian(h[at..], ContainerFormat.Crc(h[..at]));
        return h[..(at + 4)].ToArray();
    }

    /// <summary>Throws unless the magic is there and the version is one this lmz reads; <paramref name="h"/> holds at least the magic.</summary>
    internal static void CheckStart(ReadOnlySpan<byte> h)
    {
        if (h.Length < ContainerFormat.Magic.Length || !h[..4].SequenceEqual(ContainerFormat.Magic))
            throw new InvalidDataException("not an lmz file (bad magic)");
        if (h.Length < FixedPrefix) throw new InvalidDataException("truncated file header");
        Format.Of(h[4]);
    }

    /// <summary>Parses the 36-byte header of formats 6–12 (<see cref="CheckStart"/> has passed).</summary>
    internal static FileHeader ReadFixed(ReadOnlySpan<byte> h)
    {
        CheckCrc(h[..ContainerFormat.FileHeaderSize]);
        return Checked(h[4], h[5], BinaryPrimitives.ReadInt32LittleEndian(h[8..]), h[12..28].ToArray(), BinaryPrimitives.ReadUInt32LittleEndian(h[28..]));
    }

    /// <summary>Bytes of a compact header after its chunk size's varint.</summary>
    internal const int CompactTail = ContainerFormat.CompactFingerprintSize + 4 + 4;

    /// <summary>Parses a whole compact header (<see cref="CheckStart"/> has passed).</summary>
    internal static FileHeader ReadCompact(ReadOnlySpan<byte> h)
    {
        CheckCrc(h);
        int chunkSize = Varint.Read(h[FixedPrefix..], out int length, "file header's chunk size");
        int at = FixedPrefix + length;
        var fingerprint = h.Slice(at, ContainerFormat.CompactFingerprintSize).ToArray();
        return Checked(h[4], h[5], chunkSize, fingerprint, BinaryPrimitives.ReadUInt32LittleEndian(h[(at + ContainerFormat.CompactFingerprintSize)..]));
    }

    private static void CheckCrc(ReadOnlySpan<byte> h)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(h[^4..]) != ContainerFormat.Crc(h[..^4]))
            throw new InvalidDataException("file header checksum mismatch (corrupt header)");
    }

    private static FileHeader Checked(byte version, byte level, int chunkSize, byte[] fingerprint, uint inference)
    {
        if (!LevelProfile.Exists(level))
            throw new InvalidDataException($"file header names an invalid level {level}");
        if (chunkSize < Format.MinChunkSize || chunkSize > Format.MaxChunkSize)
            throw new InvalidDataException($"file header names an invalid chunk size {chunkSize}");
        return new FileHeader(level, chunkSize, fingerprint, inference) { Format = Format.Of(version) };
    }
}
