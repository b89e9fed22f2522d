using System.Buffers.Binary;
using System.IO.Hashing;

namespace Lmz.Container;

/// <summary>Byte layout of an .lmz file; docs/FORMAT.md describes it field by field.</summary>
public static class ContainerFormat
{
    public static ReadOnlySpan<byte> Magic => "LMZ\u001a"u8;
    public const byte Version = 12; // 12: the byte model's revision 5 (a model of DNA for chunks of nucleotides: reverse-complement and long match models, counts that halve); 11: the byte model's revision 4 (contexts of orders 8-24, the word pair, nesting and the line above in byte chunks at levels 4-9; 32-bit context flags in each byte payload's header); 10: chunk method 7, text tokens coded over the vocabulary trie mixed with the byte model (src/Lmz/Hybrid); 9: the byte model's revision 3 (indirect contexts, a weight set by column) and binary chunks of up to 16 chunk sizes at levels 7-9; 8: the byte model's revision 2 (more contexts, a row-length hint and its contexts in each payload's header) and binary chunks of up to four times the chunk size; 7: chunk methods 5 and 6, bytes coded bit by bit with the byte-level context mixer (src/Lmz/Bytes), 6 after the x86 call filter; 6: levels 4-8 run the integer network lmz-int8-v1 (docs/INTNET.md), the same on every CPU, and the inference fingerprint names the network specification; 5: level 9 codes with the float network that learns as it codes (4: the int8 network keeping 7/8 of its window); 4: every transformer chunk is a stream of its own with a one-row network (3: a group's transformer chunks ran as one lockstep batch); 3: the mixer sums in four lanes (2: in index order) and levels 5+ add the hidden-state adapter; 2: levels 4-7 re-prime with 2/8 of the window (1: 4/8)
    /// <summary>The oldest version this lmz decodes: 6, the first stable one (docs/FORMAT.md, "Stability").</summary>
    public const byte MinReadableVersion = 6;
    public const int FileHeaderSize = 36;
    public const int RecordSize = 25;
    public const int FingerprintSize = 16;

    /// <summary>Chunks are coded in groups of this many; a group is one network batch. Fixed, so
    /// the output never depends on the thread count.</summary>
    public const int GroupSize = 8;

    /// <summary>
    /// Binary input is cut into chunks of up to this many chunk sizes in format 8: its byte model
    /// relearns at each chunk. Silesia osdb, byte model alone (session 8): 1.9998 bpb in 1 MiB
    /// pieces, 1.9035 in 4 MiB, 1.8559 whole; four keeps two threads busy on a 10 MB file.
    /// </summary>
    public const int BinaryChunkBlocks = 4;

    /// <summary>From format 9, binary chunks may run to this many chunk sizes (levels 7–9 use it: <see cref="LevelProfile.BinaryChunkBlocks"/>).</summary>
    public const int MaxBinaryChunkBlocks = 16;

    public static uint Crc(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(data);

    /// <summary>
    /// Whether the bytes after an end record begin another container (a member): they start with
    /// the magic. Anything else there is trailing garbage.
    /// </summary>
    internal static bool StartsMember(ReadOnlySpan<byte> next) => next.Length >= Magic.Length && next[..Magic.Length].SequenceEqual(Magic);
}

/// <summary>The 36-byte file header.</summary>
public sealed record FileHeader(byte Level, int ChunkSize, byte[] ModelFingerprint, uint InferenceFingerprint)
{
    /// <summary>The format version: what this lmz writes, or what the file was written with.</summary>
    public byte Version { get; init; } = ContainerFormat.Version;

    public void Write(Span<byte> h)
    {
        h.Clear();
        ContainerFormat.Magic.CopyTo(h);
        h[4] = Version;
        h[5] = Level;
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], ChunkSize);
        ModelFingerprint.CopyTo(h[12..28]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], InferenceFingerprint);
        BinaryPrimitives.WriteUInt32LittleEndian(h[32..], ContainerFormat.Crc(h[..32]));
    }

    public static FileHeader Read(ReadOnlySpan<byte> h)
    {
        if (h.Length < ContainerFormat.FileHeaderSize || !h[..4].SequenceEqual(ContainerFormat.Magic))
            throw new InvalidDataException("not an lmz file (bad magic)");
        if (h[4] is < ContainerFormat.MinReadableVersion or > ContainerFormat.Version)
            throw new InvalidDataException($"unsupported lmz format version {h[4]} (this lmz reads versions {ContainerFormat.MinReadableVersion}–{ContainerFormat.Version})");
        if (BinaryPrimitives.ReadUInt32LittleEndian(h[32..]) != ContainerFormat.Crc(h[..32]))
            throw new InvalidDataException("file header checksum mismatch (corrupt header)");
        if (h[5] is < LmzCompressionOptions.MinLevel or > LmzCompressionOptions.MaxLevel)
            throw new InvalidDataException($"file header names an invalid level {h[5]}");
        int chunkSize = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        if (chunkSize < LmzCompressionOptions.MinChunkSize || chunkSize > LmzCompressionOptions.MaxChunkSize)
            throw new InvalidDataException($"file header names an invalid chunk size {chunkSize}");
        return new FileHeader(h[5], chunkSize, h[12..28].ToArray(), BinaryPrimitives.ReadUInt32LittleEndian(h[28..])) { Version = h[4] };
    }
}

/// <summary>
/// A 25-byte record before each chunk's payload: method, original length, payload length,
/// token count, CRC-32 of the original bytes, and a CRC-32 of the payload; the end record
/// (method 0) instead carries the total length, XxHash64 of the whole content and the chunk count.
/// Every record ends with a CRC-32 of its first 21 bytes.
/// </summary>
public readonly record struct ChunkRecord(ChunkMethod Method, int OriginalLength, int PayloadLength, int TokenCount, uint OriginalCrc, uint PayloadCrc)
{
    public void Write(Span<byte> r)
    {
        r[0] = (byte)Method;
        BinaryPrimitives.WriteInt32LittleEndian(r[1..], OriginalLength);
        BinaryPrimitives.WriteInt32LittleEndian(r[5..], PayloadLength);
        BinaryPrimitives.WriteInt32LittleEndian(r[9..], TokenCount);
        BinaryPrimitives.WriteUInt32LittleEndian(r[13..], OriginalCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(r[17..], PayloadCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(r[21..], ContainerFormat.Crc(r[..21]));
    }

    /// <summary>Parses a chunk record of a file of format <paramref name="version"/>; <paramref name="index"/> only names the chunk in errors.</summary>
    public static ChunkRecord Read(ReadOnlySpan<byte> r, int index, int chunkSize, byte version)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(r[21..]) != ContainerFormat.Crc(r[..21]))
            throw Corrupt(index, "record checksum mismatch");
        var method = (ChunkMethod)r[0];
        var newest = version >= 10 ? ChunkMethod.TokenHybrid : version >= 7 ? ChunkMethod.BytesX86 : ChunkMethod.TokenNeural;
        int longest = MaxChunkLength(chunkSize, version);
        if (method < ChunkMethod.Stored || method > newest)
            throw Corrupt(index, $"unknown method {r[0]} for format version {version}");
        var record = new ChunkRecord(method, BinaryPrimitives.ReadInt32LittleEndian(r[1..]), BinaryPrimitives.ReadInt32LittleEndian(r[5..]),
            BinaryPrimitives.ReadInt32LittleEndian(r[9..]), BinaryPrimitives.ReadUInt32LittleEndian(r[13..]), BinaryPrimitives.ReadUInt32LittleEndian(r[17..]));
        if (record.OriginalLength <= 0 || record.OriginalLength > longest || record.PayloadLength < 0
            || record.PayloadLength > record.OriginalLength || record.TokenCount < 0 || record.TokenCount > record.OriginalLength
            || (record.TokenCount != 0 && !method.CodesTokens()))
            throw Corrupt(index, "impossible lengths in record");
        return record;
    }

    /// <summary>
    /// The longest chunk of a file of format <paramref name="version"/>: one chunk size up to format 7;
    /// from format 8 binary data (chunks the byte mixer codes) may run to <see cref="ContainerFormat.BinaryChunkBlocks"/>
    /// chunk sizes, from format 9 to <see cref="ContainerFormat.MaxBinaryChunkBlocks"/>, so its models learn from more.
    /// </summary>
    public static int MaxChunkLength(int chunkSize, int version)
    {
        int blocks = version >= 9 ? ContainerFormat.MaxBinaryChunkBlocks : version == 8 ? ContainerFormat.BinaryChunkBlocks : 1;
        return (int)Math.Min((long)chunkSize * blocks, LmzCompressionOptions.MaxChunkSize);
    }

    public static InvalidDataException Corrupt(int index, string reason) => new($"chunk {index}: {reason}");
}

/// <summary>The end record: total length, content hash and chunk count.</summary>
public readonly record struct EndRecord(long TotalLength, ulong ContentHash, int ChunkCount)
{
    public void Write(Span<byte> r)
    {
        r[0] = (byte)ChunkMethod.End;
        BinaryPrimitives.WriteInt64LittleEndian(r[1..], TotalLength);
        BinaryPrimitives.WriteUInt64LittleEndian(r[9..], ContentHash);
        BinaryPrimitives.WriteInt32LittleEndian(r[17..], ChunkCount);
        BinaryPrimitives.WriteUInt32LittleEndian(r[21..], ContainerFormat.Crc(r[..21]));
    }

    public static EndRecord Read(ReadOnlySpan<byte> r)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(r[21..]) != ContainerFormat.Crc(r[..21]))
            throw new InvalidDataException("end record checksum mismatch");
        return new EndRecord(BinaryPrimitives.ReadInt64LittleEndian(r[1..]), BinaryPrimitives.ReadUInt64LittleEndian(r[9..]),
            BinaryPrimitives.ReadInt32LittleEndian(r[17..]));
    }
}
