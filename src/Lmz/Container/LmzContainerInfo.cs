using Lmz.Container;

namespace Lmz;

/// <summary>What an .lmz container holds, read from its headers alone (no decoding): for `lmz -l`.</summary>
public sealed record LmzContainerInfo(int Level, int ChunkSize, string ModelFingerprint, uint InferenceFingerprint,
    IReadOnlyList<LmzChunkInfo> Chunks, long UncompressedLength, long CompressedLength)
{
    /// <summary>Compressed bits per original byte (0 for an empty container).</summary>
    public double BitsPerByte => UncompressedLength == 0 ? 0 : CompressedLength * 8.0 / UncompressedLength;

    /// <summary>
    /// Reads the header and every record of the one container <paramref name="input"/> holds,
    /// skipping payloads; checks record checksums only. Several containers back to back: use <see cref="ReadAll"/>.
    /// </summary>
    public static LmzContainerInfo Read(Stream input)
    {
        var members = ReadAll(input);
        if (members.Count > 1) throw new InvalidDataException($"the input holds {members.Count} containers back to back (read them with ReadAll)");
        return members[0];
    }

    /// <summary>Every container (member) of <paramref name="input"/>, in order; bytes after an end record must start another.</summary>
    public static IReadOnlyList<LmzContainerInfo> ReadAll(Stream input)
    {
        var members = new List<LmzContainerInfo>();
        var header = new byte[ContainerFormat.FileHeaderSize];
        int n = input.ReadAtLeast(header, header.Length, false);
        while (true)
        {
            try
            {
                if (n < header.Length) throw new InvalidDataException("truncated file header");
                members.Add(ReadMember(input, header));
            }
            catch (InvalidDataException exception) when (members.Count > 0)
            {
                throw new InvalidDataException($"member {members.Count + 1}: {exception.Message}", exception);
            }
            n = input.ReadAtLeast(header, header.Length, false);
            if (n == 0) return members;
            if (!ContainerFormat.StartsMember(header.AsSpan(0, n)))
                throw new InvalidDataException($"{(members.Count > 1 ? $"member {members.Count}: " : "")}trailing garbage after the end record");
        }
    }

    private static LmzContainerInfo ReadMember(Stream input, byte[] header)
    {
        var file = FileHeader.Read(header);
        var chunks = new List<LmzChunkInfo>();
        long compressed = header.Length;
        var record = new byte[ContainerFormat.RecordSize];
        while (true)
        {
            if (input.ReadAtLeast(record, record.Length, false) < record.Length) throw new InvalidDataException($"chunk {chunks.Count}: truncated record");
            compressed += record.Length;
            if (record[0] == (byte)ChunkMethod.End)
            {
                var end = EndRecord.Read(record);
                if (end.ChunkCount != chunks.Count) throw new InvalidDataException($"end record lists {end.ChunkCount} chunks but the file holds {chunks.Count}");
                return new LmzContainerInfo(file.Level, file.ChunkSize, Convert.ToHexStringLower(file.ModelFingerprint), file.InferenceFingerprint,
                    chunks, end.TotalLength, compressed);
            }
            var chunk = ChunkRecord.Read(record, chunks.Count, file.ChunkSize, file.Version);
            Skip(input, chunk.PayloadLength, chunks.Count);
            compressed += chunk.PayloadLength;
            chunks.Add(new LmzChunkInfo(chunk.Method.ToString(), chunk.OriginalLength, chunk.PayloadLength + ContainerFormat.RecordSize, chunk.TokenCount));
        }
    }

    private static void Skip(Stream input, int count, int index)
    {
        if (input.CanSeek)
        {
            if (input.Position + count > input.Length) throw ChunkRecord.Corrupt(index, "truncated payload");
            input.Seek(count, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            int n = input.Read(buffer, 0, Math.Min(buffer.Length, count));
            if (n == 0) throw ChunkRecord.Corrupt(index, "truncated payload");
            count -= n;
        }
    }
}

/// <summary>One chunk: its method, original size, stored size (record included) and token count.</summary>
public sealed record LmzChunkInfo(string Method, int OriginalLength, int StoredLength, int TokenCount);
