using Lmz.Container;

namespace Lmz;

/// <summary>What an .lmz file holds, read from its headers alone (no decoding): for `lmz -l`.</summary>
public sealed record LmzContainerInfo(int Level, int ChunkSize, string ModelFingerprint, uint InferenceFingerprint,
    IReadOnlyList<LmzChunkInfo> Chunks, long UncompressedLength, long CompressedLength)
{
    public double BitsPerByte => UncompressedLength == 0 ? 0 : CompressedLength * 8.0 / UncompressedLength;

    /// <summary>Reads the header and every record, skipping payloads; checks record checksums only.</summary>
    public static LmzContainerInfo Read(Stream input)
    {
        var header = new byte[ContainerFormat.FileHeaderSize];
        if (input.ReadAtLeast(header, header.Length, false) < header.Length) throw new InvalidDataException("truncated file header");
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
                if (input.Read(new byte[1]) != 0) throw new InvalidDataException("trailing garbage after the end record");
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
