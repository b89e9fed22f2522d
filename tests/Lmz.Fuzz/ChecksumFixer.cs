using System.Buffers.Binary;
using System.IO.Hashing;
using Lmz.Container;

namespace Lmz.Fuzz;

/// <summary>
/// Recomputes the header and record checksums of a (mutated) container, walking it as far as its
/// fields allow, so corruption reaches the checks and decoders behind the CRCs. The checksum of
/// each chunk's original bytes and the whole-content hash are left alone: they must still catch it.
/// </summary>
internal static class ChecksumFixer
{
    private static ReadOnlySpan<byte> Magic => "LMZ\u001a"u8;

    public static byte[] Fix(byte[] input)
    {
        var data = (byte[])input.Clone();
        int at = 0;
        while (at + 6 <= data.Length && data.AsSpan(at, 4).SequenceEqual(Magic))
        {
            int next = data[at + 4] >= 13 ? FixCompactMember(data, at) : FixFixedMember(data, at);
            if (next <= at) break;
            at = next;
        }
        return data;
    }

    /// <summary>Fixes one member of format 13 on; returns where the next begins, or -1 where the walk stops.</summary>
    private static int FixCompactMember(byte[] data, int start)
    {
        int at = start + 6;
        if (!Varint(data, ref at, out _) || at + 16 > data.Length) return -1;
        at += 12;
        Put(data, at, Crc32.HashToUInt32(data.AsSpan(start, at - start)));
        at += 4;
        for (int chunks = 0; at < data.Length; chunks++)
        {
            int record = at;
            byte method = data[at++];
            if (method == 0) return chunks >= 2 ? at + 8 : at;
            if (!Varint(data, ref at, out _) || !Varint(data, ref at, out int payload)) return -1;
            if (method is 3 or 4 or 7 && !Varint(data, ref at, out _)) return -1;
            at += 4;
            if (at + 4 + payload > data.Length || payload < 0) return -1;
            var crc = new Crc32();
            crc.Append(data.AsSpan(record, at - record));
            crc.Append(data.AsSpan(at + 4, payload));
            Put(data, at, crc.GetCurrentHashAsUInt32());
            at += 4 + payload;
        }
        return -1;
    }

    /// <summary>Fixes one member of formats 6–12 (fixed 36-byte header, 25-byte records).</summary>
    private static int FixFixedMember(byte[] data, int start)
    {
        if (start + 36 > data.Length) return -1;
        Put(data, start + 32, Crc32.HashToUInt32(data.AsSpan(start, 32)));
        int at = start + 36;
        while (at + 25 <= data.Length)
        {
            int payload = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(at + 5));
            bool end = data[at] == 0;
            if (!end)
            {
                if (payload < 0 || at + 25 + payload > data.Length) return -1;
                Put(data, at + 17, Crc32.HashToUInt32(data.AsSpan(at + 25, payload)));
            }
            Put(data, at + 21, Crc32.HashToUInt32(data.AsSpan(at, 21)));
            at += 25 + (end ? 0 : payload);
            if (end) return at;
        }
        return -1;
    }

    private static bool Varint(byte[] data, ref int at, out int value)
    {
        value = 0;
        for (int i = 0; i < 4 && at < data.Length; i++)
        {
            byte b = data[at++];
            value |= (b & 0x7F) << (7 * i);
            if (b < 0x80) return true;
        }
        return false;
    }

    private static void Put(byte[] data, int at, uint value)
    {
        if (at >= 0 && at + 4 <= data.Length) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), value);
    }
}
