using System.Buffers.Binary;
using System.IO.Hashing;
using Lmz.Formats;
using Lmz.Methods;

namespace Lmz.Container;

/// <summary>
/// Reads the headers and records of an .lmz stream for <see cref="ContainerReader"/> (decoding)
/// and <see cref="LmzContainerInfo"/> (listing), in both layouts: fixed fields in formats 6–12,
/// compact from format 13. Every field is checked as it is
/// read. A compact record's CRC-32 covers its payload as well, so a chunk comes with its payload
/// read and checked, or, when only listing, run through the check and dropped.
/// </summary>
internal sealed class ContainerParser(Stream input)
{
    /// <summary>A chunk's record, its payload (null when skipped) and the bytes both took; or, with <see cref="End"/> set, the end record.</summary>
    public readonly record struct Item(ChunkRecord Record, byte[]? Payload, int StoredLength, EndRecord? End);

    private readonly byte[] _record = new byte[Math.Max(ContainerFormat.FileHeaderSize, ContainerFormat.RecordSize)];
    private int _recordLength;
    /// <summary>Bytes read while looking past an end record: the next member's magic, to be read again.</summary>
    private byte[]? _givenBack;

    /// <summary>Bytes of the input parsed so far (bytes given back count once they are read again).</summary>
    public long BytesRead { get; private set; }

    public async ValueTask<FileHeader> ReadHeaderAsync(bool useAsync, CancellationToken cancellationToken)
    {
        int n = await ReadUpToAsync(_record.AsMemory(0, FileHeader.FixedPrefix), useAsync, cancellationToken);
        FileHeader.CheckStart(_record.AsSpan(0, n));
        if (!Format.Of(_record[4]).CompactLayout)
        {
            await ReadExactAsync(_record.AsMemory(n, ContainerFormat.FileHeaderSize - n), "truncated file header", useAsync, cancellationToken);
            return FileHeader.ReadFixed(_record);
        }
        _recordLength = n;
        await ReadVarintAsync("truncated file header", "file header's chunk size", useAsync, cancellationToken);
        await ReadRecordBytesAsync(FileHeader.CompactTail, "truncated file header", useAsync, cancellationToken);
        return FileHeader.ReadCompact(_record.AsSpan(0, _recordLength));
    }

    /// <summary>The next record of the member <paramref name="header"/> begins, chunk number <paramref name="index"/> if it is not the end.</summary>
    public ValueTask<Item> ReadItemAsync(FileHeader header, int index, bool readPayload, bool useAsync, CancellationToken cancellationToken) =>
        header.Format.CompactLayout
            ? ReadCompactAsync(header, index, readPayload, useAsync, cancellationToken)
            : ReadFixedAsync(header, index, readPayload, useAsync, cancellationToken);

    private async ValueTask<Item> ReadFixedAsync(FileHeader header, int index, bool readPayload, bool useAsync, CancellationToken cancellationToken)
    {
        var r = _record.AsMemory(0, ContainerFormat.RecordSize);
        await ReadExactAsync(r, $"chunk {index}: truncated record", useAsync, cancellationToken);
        if (_record[0] == (byte)ChunkMethod.End) return new Item(default, null, ContainerFormat.RecordSize, EndRecord.Read(r.Span));
        var record = ChunkRecord.Read(r.Span, index, header.ChunkSize, header.Format, out uint payloadCrc);
        byte[]? payload = null;
        if (readPayload)
        {
            payload = new byte[record.PayloadLength];
            await ReadExactAsync(payload, $"chunk {index}: truncated payload", useAsync, cancellationToken);
            if (ContainerFormat.Crc(payload) != payloadCrc)
                throw ChunkRecord.Corrupt(index, "payload checksum mismatch (the file is corrupt)");
        }
        else await SkipAsync(record.PayloadLength, null, index, useAsync, cancellationToken);
        return new Item(record, payload, ContainerFormat.RecordSize + record.PayloadLength, null);
    }

    private async ValueTask<Item> ReadCompactAsync(FileHeader header, int index, bool readPayload, bool useAsync, CancellationToken cancellationToken)
    {
        string truncated = $"chunk {index}: truncated record";
        _recordLength = 0;
        await ReadRecordBytesAsync(1, truncated, useAsync, cancellationToken);
        if (_record[0] == (byte)ChunkMethod.End)
        {
            if (!EndRecord.HasHash(index)) return new Item(default, null, 1, new EndRecord(null, null, null));
            await ReadRecordBytesAsync(8, "truncated end record", useAsync, cancellationToken);
            return new Item(default, null, ContainerFormat.MaxEndSize, new EndRecord(null, BinaryPrimitives.ReadUInt64LittleEndian(_record.AsSpan(1)), null));
        }
        var method = ChunkRecord.CheckMethod(_record[0], index, header.Format);
        int original = await ReadVarintAsync(truncated, $"chunk {index}: original length", useAsync, cancellationToken);
        int payloadLength = await ReadVarintAsync(truncated, $"chunk {index}: payload length", useAsync, cancellationToken);
        int tokens = method.CodesTokens() ? await ReadVarintAsync(truncated, $"chunk {index}: token count", useAsync, cancellationToken) : 0;
        await ReadRecordBytesAsync(8, truncated, useAsync, cancellationToken);
        uint originalCrc = BinaryPrimitives.ReadUInt32LittleEndian(_record.AsSpan(_recordLength - 8));
        uint check = BinaryPrimitives.ReadUInt32LittleEndian(_record.AsSpan(_recordLength - 4));
        var record = ChunkRecord.Checked(new ChunkRecord(method, original, payloadLength, tokens, originalCrc), index, header.ChunkSize, header.Format);
        var crc = new Crc32();
        crc.Append(_record.AsSpan(0, _recordLength - 4));
        byte[]? payload = null;
        if (readPayload)
        {
            payload = new byte[payloadLength];
            await ReadExactAsync(payload, $"chunk {index}: truncated payload", useAsync, cancellationToken);
            crc.Append(payload);
        }
        else await SkipAsync(payloadLength, crc, index, useAsync, cancellationToken);
        if (crc.GetCurrentHashAsUInt32() != check)
            throw ChunkRecord.Corrupt(index, "record or payload checksum mismatch (the file is corrupt)");
        return new Item(record, payload, _recordLength + payloadLength, null);
    }

    /// <summary>
    /// After an end record: false at the end of the input, true when another container (member)
    /// begins there, its magic given back to be read again. Anything else is trailing garbage.
    /// </summary>
    public async ValueTask<bool> NextMemberAsync(bool useAsync, CancellationToken cancellationToken)
    {
        var next = new byte[ContainerFormat.Magic.Length];
        int n = await ReadUpToAsync(next, useAsync, cancellationToken);
        if (n == 0) return false;
        if (!ContainerFormat.StartsMember(next.AsSpan(0, n))) throw new InvalidDataException("trailing garbage after the end record");
        _givenBack = next;
        BytesRead -= n;
        return true;
    }

    private async ValueTask<int> ReadVarintAsync(string whatIfShort, string what, bool useAsync, CancellationToken cancellationToken)
    {
        int value = 0;
        for (int i = 0; ; i++)
        {
            await ReadRecordBytesAsync(1, whatIfShort, useAsync, cancellationToken);
            if (Varint.Add(ref value, _record[_recordLength - 1], i, what)) return value;
        }
    }

    private async ValueTask ReadRecordBytesAsync(int count, string whatIfShort, bool useAsync, CancellationToken cancellationToken)
    {
        await ReadExactAsync(_record.AsMemory(_recordLength, count), whatIfShort, useAsync, cancellationToken);
        _recordLength += count;
    }

    private async ValueTask SkipAsync(int count, Crc32? crc, int index, bool useAsync, CancellationToken cancellationToken)
    {
        if (crc == null && _givenBack == null && input.CanSeek)
        {
            if (input.Position + count > input.Length) throw ChunkRecord.Corrupt(index, "truncated payload");
            input.Seek(count, SeekOrigin.Current);
            BytesRead += count;
            return;
        }
        var buffer = new byte[Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            int n = Math.Min(buffer.Length, count);
            await ReadExactAsync(buffer.AsMemory(0, n), $"chunk {index}: truncated payload", useAsync, cancellationToken);
            crc?.Append(buffer.AsSpan(0, n));
            count -= n;
        }
    }

    private async ValueTask ReadExactAsync(Memory<byte> buffer, string whatIfShort, bool useAsync, CancellationToken cancellationToken)
    {
        if (await ReadUpToAsync(buffer, useAsync, cancellationToken) < buffer.Length) throw new InvalidDataException(whatIfShort);
    }

    /// <summary>Fills <paramref name="buffer"/> unless the input ends first; returns how much it read.</summary>
    private async ValueTask<int> ReadUpToAsync(Memory<byte> buffer, bool useAsync, CancellationToken cancellationToken)
    {
        int n = 0;
        if (_givenBack is { } back)
        {
            n = Math.Min(back.Length, buffer.Length);
            back.AsSpan(0, n).CopyTo(buffer.Span);
            _givenBack = n == back.Length ? null : back[n..];
            BytesRead += n;
        }
        if (n == buffer.Length) return n;
        int read = useAsync
            ? await input.ReadAtLeastAsync(buffer[n..], buffer.Length - n, false, cancellationToken)
            : input.ReadAtLeast(buffer.Span[n..], buffer.Length - n, false);
        BytesRead += read;
        return n + read;
    }
}
