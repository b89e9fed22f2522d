using System.Buffers.Binary;
using System.IO.Hashing;
using Lmz.Formats;
using Lmz.Methods;

namespace Lmz.Container;

/// <summary>
/// The record before each chunk's payload: method, original length, payload length, token count
/// (token methods only) and the CRC-32 of the original bytes. Formats 6–12 wrote 25 fixed bytes
/// with a CRC-32 of the payload and one of the record; from format 13
/// the lengths are varints and one CRC-32 checks the record together with its payload.
/// </summary>
internal readonly record struct ChunkRecord(ChunkMethod Method, int OriginalLength, int PayloadLength, int TokenCount, uint OriginalCrc)
{
    /// <summary>The compact record's bytes, whose last four check them and <paramref name="payload"/>.</summary>
    public byte[] ToBytes(ReadOnlySpan<byte> payload)
    {
        Span<byte> r = stackalloc byte[ContainerFormat.MaxRecordSize];
        r[0] = (byte)Method;
        int at = 1 + Varint.Write(r[1..], OriginalLength);
        at += Varint.Write(r[at..], PayloadLength);
        if (Method.CodesTokens()) at += Varint.Write(r[at..], TokenCount);
        BinaryPrimitives.WriteUInt32LittleEndian(r[at..], OriginalCrc);
        at += 4;
        BinaryPrimitives.WriteUInt32LittleEndian(r[at..], CompactCrc(r[..at], payload));
        return r[..(at + 4)].ToArray();
    }

    /// <summary>The check of a compact record: CRC-32 of its bytes before the check, then of the payload.</summary>
    internal static uint CompactCrc(ReadOnlySpan<byte> record, ReadOnlySpan<byte> payload)
    {
        var crc = new Crc32();
        crc.Append(record);
        crc.Append(payload);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>
    /// Parses a 25-byte chunk record of a file of format 6–12, whose payload has a CRC-32 of its own
    /// (<paramref name="payloadCrc"/>); <paramref name="index"/> only names the chunk in errors.
    /// </summary>
    public static ChunkRecord Read(ReadOnlySpan<byte> r, int index, int chunkSize, Format format, out uint payloadCrc)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(r[21..]) != ContainerFormat.Crc(r[..21]))
            throw Corrupt(index, "record checksum mismatch");
        payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(r[17..]);
        return Checked(new ChunkRecord(CheckMethod(r[0], index, format), BinaryPrimitives.ReadInt32LittleEndian(r[1..]), BinaryPrimitives.ReadInt32LittleEndian(r[5..]),
            BinaryPrimitives.ReadInt32LittleEndian(r[9..]), BinaryPrimitives.ReadUInt32LittleEndian(r[13..])), index, chunkSize, format);
    }

    /// <summary>The method byte <paramref name="b"/> of chunk <paramref name="index"/>, if <paramref name="format"/> has it.</summary>
    internal static ChunkMethod CheckMethod(byte b, int index, Format format)
    {
        if (b < (byte)ChunkMethod.Stored || b > (byte)format.NewestMethod)
            throw Corrupt(index, $"unknown method {b} for format version {format.Version}");
        return (ChunkMethod)b;
    }

    /// <summary><paramref name="record"/>, unless its lengths are impossible for the file.</summary>
    internal static ChunkRecord Checked(ChunkRecord record, int index, int chunkSize, Format format)
    {
        if (record.OriginalLength <= 0 || record.OriginalLength > format.MaxChunkLength(chunkSize) || record.PayloadLength < 0
            || record.PayloadLength > record.OriginalLength || record.TokenCount < 0 || record.TokenCount > record.OriginalLength
            || (record.TokenCount != 0 && !record.Method.CodesTokens()))
            throw Corrupt(index, "impossible lengths in record");
        return record;
    }

    public static InvalidDataException Corrupt(int index, string reason) => new($"chunk {index}: {reason}");
}

/// <summary>
/// The end record. Formats 6–12 wrote 25 bytes: total length, XxHash64 of the whole content,
/// chunk count and a CRC-32. From format 13 it is the end mark
/// and, when the file holds two chunks or more, the XxHash64 (one chunk's own CRC-32 checks every
/// byte already, and no chunks hold none); the reader counts chunks and bytes itself. Null fields are not in the record.
/// </summary>
internal readonly record struct EndRecord(long? TotalLength, ulong? ContentHash, int? ChunkCount)
{
    /// <summary>The compact end record of a file of <paramref name="chunkCount"/> chunks.</summary>
    public static byte[] ToBytes(ulong contentHash, int chunkCount)
    {
        if (!HasHash(chunkCount)) return [(byte)ChunkMethod.End];
        var r = new byte[ContainerFormat.MaxEndSize];
        BinaryPrimitives.WriteUInt64LittleEndian(r.AsSpan(1), contentHash);
        return r;
    }

    /// <summary>Whether the compact end record of a file of <paramref name="chunkCount"/> chunks holds the content's XxHash64.</summary>
    internal static bool HasHash(int chunkCount) => chunkCount >= 2;

    /// <summary>Parses the 25-byte end record of a file of format 6–12.</summary>
    public static EndRecord Read(ReadOnlySpan<byte> r)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(r[21..]) != ContainerFormat.Crc(r[..21]))
            throw new InvalidDataException("end record checksum mismatch");
        return new EndRecord(BinaryPrimitives.ReadInt64LittleEndian(r[1..]), BinaryPrimitives.ReadUInt64LittleEndian(r[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(r[17..]));
    }
}
