using Lmz.Container;
using Lmz.Models.Bits;

namespace Lmz.Tests;

/// <summary>
/// Where each part of a container lies, found with the product's own parser, and edits that keep
/// every check valid: crafted containers whose fields disagree with each other while their
/// checksums pass, so the decoder's consistency checks (not its checksums) must catch them.
/// </summary>
internal static class ContainerEdits
{
    /// <summary>One chunk: where its record starts, how long it is, and its payload's place.</summary>
    public sealed record Part(int RecordStart, int RecordLength, int PayloadLength, ChunkRecord Record)
    {
        public int PayloadStart => RecordStart + RecordLength;
        public int End => PayloadStart + PayloadLength;
    }

    /// <summary>The header's length, the chunks, and where the end record starts, of a one-member container.</summary>
    public sealed record Map(FileHeader Header, int HeaderLength, IReadOnlyList<Part> Chunks, int EndStart);

    /// <summary>The most a container adds to its content (docs/FORMAT.md): header, a record per chunk and the end record.</summary>
    public static int Overhead(int chunks) => ContainerFormat.MaxHeaderSize + ContainerFormat.MaxRecordSize * chunks + ContainerFormat.MaxEndSize;

    public static Map Parse(byte[] container)
    {
        var parser = new ContainerParser(new MemoryStream(container));
        var header = parser.ReadHeaderAsync(false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        int headerLength = (int)parser.BytesRead;
        var chunks = new List<Part>();
        while (true)
        {
            int start = (int)parser.BytesRead;
            var item = parser.ReadItemAsync(header, chunks.Count, readPayload: false, false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (item.End != null) return new Map(header, headerLength, chunks, start);
            chunks.Add(new Part(start, item.StoredLength - item.Record.PayloadLength, item.Record.PayloadLength, item.Record));
        }
    }

    /// <summary>The container with its header rewritten (compact layout, valid CRC).</summary>
    public static byte[] WithHeader(byte[] container, Func<FileHeader, FileHeader> change)
    {
        var map = Parse(container);
        return [.. change(map.Header).ToBytes(), .. container.AsSpan(map.HeaderLength)];
    }

    /// <summary>The container with chunk <paramref name="chunk"/>'s record and payload rewritten; its check is recomputed.</summary>
    public static byte[] WithChunk(byte[] container, int chunk, Func<ChunkRecord, ChunkRecord> change, Func<byte[], byte[]>? payloadChange = null)
    {
        var part = Parse(container).Chunks[chunk];
        var payload = container.AsSpan(part.PayloadStart, part.PayloadLength).ToArray();
        if (payloadChange != null) payload = payloadChange(payload);
        var record = change(part.Record);
        return [.. container.AsSpan(0, part.RecordStart), .. record.ToBytes(payload), .. payload, .. container.AsSpan(part.End)];
    }
}
