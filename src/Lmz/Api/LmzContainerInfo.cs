using Lmz.Container;

namespace Lmz;

/// <summary>What an .lmz container holds, read from its headers alone (no decoding): for `lmz -l`.</summary>
public sealed record LmzContainerInfo(int Level, int ChunkSize, string ModelFingerprint, uint InferenceFingerprint,
    IReadOnlyList<LmzChunkInfo> Chunks, long UncompressedLength, long CompressedLength)
{
    /// <summary>Compressed bits per original byte (0 for an empty container).</summary>
    public double BitsPerByte => UncompressedLength == 0 ? 0 : CompressedLength * 8.0 / UncompressedLength;

    /// <summary>
    /// Reads the header and every record of the one container <paramref name="input"/> holds and
    /// checks them, decoding nothing: payloads are skipped (formats 6–12) or only run through their
    /// record's check (from 13). Several containers back to back: use <see cref="ReadAll"/>.
    /// </summary>
    public static LmzContainerInfo Read(Stream input)
    {
        var members = ReadAll(input);
        if (members.Count > 1) throw new InvalidDataException($"the input holds {members.Count} containers back to back (read them with ReadAll)");
        return members[0];
    }

    /// <summary>Every container (member) of <paramref name="input"/>, in order; bytes after an end record must start another.</summary>
    public static IReadOnlyList<LmzContainerInfo> ReadAll(Stream input) => ReadEach(input).ToList();

    /// <summary>
    /// The members of <paramref name="input"/> one at a time, each read when asked for: a member's
    /// <see cref="CompressedLength"/> is its exact size, so a caller can cut a file into its members
    /// without decoding or holding it whole.
    /// </summary>
    public static IEnumerable<LmzContainerInfo> ReadEach(Stream input)
    {
        var parser = new ContainerParser(input);
        int count = 0;
        do
        {
            var member = ReadMember(parser, count);
            count++;
            yield return member;
        }
        while (NextMember(parser, count));
    }

    private static LmzContainerInfo ReadMember(ContainerParser parser, int before)
    {
        try
        {
            return ReadMember(parser);
        }
        catch (InvalidDataException exception) when (before > 0)
        {
            throw new InvalidDataException($"member {before + 1}: {exception.Message}", exception);
        }
    }

    private static bool NextMember(ContainerParser parser, int members)
    {
        try
        {
            return parser.NextMemberAsync(useAsync: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (InvalidDataException exception) when (members > 1)
        {
            throw new InvalidDataException($"member {members}: {exception.Message}", exception);
        }
    }

    /// <summary>One member's header and records.</summary>
    private static LmzContainerInfo ReadMember(ContainerParser parser)
    {
        long start = parser.BytesRead;
        var file = parser.ReadHeaderAsync(useAsync: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var chunks = new List<LmzChunkInfo>();
        long original = 0;
        while (true)
        {
            var item = parser.ReadItemAsync(file, chunks.Count, readPayload: false, useAsync: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (item.End is { } end)
            {
                if (end.ChunkCount is { } count && count != chunks.Count) throw new InvalidDataException($"end record lists {count} chunks but the file holds {chunks.Count}");
                return new LmzContainerInfo(file.Level, file.ChunkSize, Convert.ToHexStringLower(file.ModelFingerprint), file.InferenceFingerprint,
                    chunks, end.TotalLength ?? original, parser.BytesRead - start);
            }
            original += item.Record.OriginalLength;
            chunks.Add(new LmzChunkInfo(item.Record.Method.ToString(), item.Record.OriginalLength, item.StoredLength, item.Record.TokenCount));
        }
    }
}

/// <summary>One chunk: its method, original size, stored size (record included) and token count.</summary>
public sealed record LmzChunkInfo(string Method, int OriginalLength, int StoredLength, int TokenCount);
