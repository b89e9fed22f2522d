using System.IO.Hashing;
using Lmz.Formats;

namespace Lmz.Container;

/// <summary>Byte layout of an .lmz file; docs/FORMAT.md describes it field by field.</summary>
internal static class ContainerFormat
{
    public static ReadOnlySpan<byte> Magic => "LMZ\u001a"u8;
    public const byte Version = 14; // 14: the hybrid's revision 2 for code (chunk method 7: the byte model's code contexts of src/Lmz/Bytes/CodeLayout.cs, "end here" decisions with context models of their own); 13: compact records (varint lengths, an 8-byte model fingerprint, one CRC-32 over each record and its payload, an end record of 1 or 9 bytes); 12: the byte model's revision 5 (a model of DNA for chunks of nucleotides: reverse-complement and long match models, counts that halve); 11: the byte model's revision 4 (contexts of orders 8-24, the word pair, nesting and the line above in byte chunks at levels 4-9; 32-bit context flags in each byte payload's header); 10: chunk method 7, text tokens coded over the vocabulary trie mixed with the byte model (src/Lmz/Hybrid); 9: the byte model's revision 3 (indirect contexts, a weight set by column) and binary chunks of up to 16 chunk sizes at levels 7-9; 8: the byte model's revision 2 (more contexts, a row-length hint and its contexts in each payload's header) and binary chunks of up to four times the chunk size; 7: chunk methods 5 and 6, bytes coded bit by bit with the byte-level context mixer (src/Lmz/Bytes), 6 after the x86 call filter; 6: levels 4-8 run the integer network lmz-int8-v1 (docs/INTNET.md), the same on every CPU, and the inference fingerprint names the network specification; 5: level 9 codes with the float network that learns as it codes (4: the int8 network keeping 7/8 of its window); 4: every transformer chunk is a stream of its own with a one-row network (3: a group's transformer chunks ran as one lockstep batch); 3: the mixer sums in four lanes (2: in index order) and levels 5+ add the hidden-state adapter; 2: levels 4-7 re-prime with 2/8 of the window (1: 4/8)
    /// <summary>The oldest version this lmz decodes: 6, the first stable one (docs/FORMAT.md, "Stability").</summary>
    public const byte MinReadableVersion = 6;

    /// <summary>The first version with compact headers and records (docs/FORMAT.md); before it every field had a fixed width.</summary>
    public const byte CompactVersion = 13;

    /// <summary>The file header of formats 6–12; from <see cref="CompactVersion"/> it is <see cref="MaxHeaderSize"/> bytes at most.</summary>
    public const int FileHeaderSize = 36;

    /// <summary>A chunk or end record of formats 6–12; from <see cref="CompactVersion"/> a chunk record is <see cref="MaxRecordSize"/> bytes at most.</summary>
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
