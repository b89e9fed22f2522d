using System.IO.Hashing;

namespace Lmz.Container;

/// <summary>
/// Reads an .lmz stream a group of chunks at a time and verifies everything: header and record
/// checksums, the model fingerprint, each payload's and each chunk's CRC-32, the total length and
/// the whole-content XxHash64. The stream may hold several containers back to back (members,
/// as gzip calls them); their contents are read one after the other. Bytes after an end record
/// that do not start with the magic are trailing garbage, an error.
/// </summary>
internal sealed class ContainerReader
{
    private readonly Stream _input;
    private readonly LmzDecompressionOptions _options;
    private readonly XxHash64 _contentHash = new();
    private ChunkCodec? _codec;
    private FileHeader? _header;
    /// <summary>The next member's header bytes, read while looking past an end record.</summary>
    private byte[]? _nextHeader;
    private int _member;
    private EndRecord _end;
    private bool _memberEnded;
    private int _chunkIndex;
    private long _memberOut;
    private long _totalOut;
    private long _totalIn;

    public ContainerReader(Stream input, LmzDecompressionOptions options)
    {
        _input = input;
        _options = options;
    }

    public bool Finished { get; private set; }

    /// <summary>Decodes the next group; returns its chunks' bytes, or an empty list at the end.</summary>
    public async ValueTask<IReadOnlyList<byte[]>> ReadGroupAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (Finished) return [];
        try
        {
            return await ReadGroupOfMemberAsync(useAsync, cancellationToken);
        }
        catch (InvalidDataException exception) when (_member > 0)
        {
            // Errors in the first member read as they always have; later ones say which member.
            throw new InvalidDataException($"member {_member + 1}: {exception.Message}", exception);
        }
    }

    private async ValueTask<IReadOnlyList<byte[]>> ReadGroupOfMemberAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (_header == null) await ReadHeaderAsync(useAsync, cancellationToken);
        var group = new List<ChunkCodec.Encoded>();
        int first = _chunkIndex;
        var record = new byte[ContainerFormat.RecordSize];
        while (group.Count < ContainerFormat.GroupSize)
        {
            await ReadExactAsync(record, $"chunk {_chunkIndex}: truncated record", useAsync, cancellationToken);
            if (record[0] == (byte)ChunkMethod.End)
            {
                await ReadEndAsync(record, group, first, useAsync, cancellationToken);
                return Decode(group, first, cancellationToken);
            }
            var chunk = ChunkRecord.Read(record, _chunkIndex, _header!.ChunkSize, _header.Version);
            if (chunk.Method.UsesTransformer() && !LevelProfile.For(_header.Level).UsesNetwork)
                throw ChunkRecord.Corrupt(_chunkIndex, $"transformer-coded, but the file's level {_header.Level} never uses the transformer");
            var payload = new byte[chunk.PayloadLength];
            await ReadExactAsync(payload, $"chunk {_chunkIndex}: truncated payload", useAsync, cancellationToken);
            group.Add(new ChunkCodec.Encoded(chunk, payload));
            _chunkIndex++;
        }
        return Decode(group, first, cancellationToken);
    }

    private IReadOnlyList<byte[]> Decode(List<ChunkCodec.Encoded> group, int first, CancellationToken cancellationToken)
    {
        if (group.Count == 0)
        {
            EndMember();
            return [];
        }
        long groupStart = _totalOut, decoded = 0;
        long groupBytes = group.Sum(e => (long)e.Record.OriginalLength);
        var progress = _options.Progress;
        var output = _codec!.DecompressGroup(group, first, cancellationToken, progress == null ? null : bytes =>
        {
            decoded = Math.Min(groupBytes, decoded + bytes);
            progress.Report(new LmzProgress(groupStart + decoded, _totalIn));
        });
        foreach (var bytes in output) { _contentHash.Append(bytes); _memberOut += bytes.Length; _totalOut += bytes.Length; }
        _options.Progress?.Report(new LmzProgress(_totalOut, _totalIn));
        if (_memberEnded) EndMember();
        return output;
    }

    /// <summary>Reads the end record, then looks past it: the end of the input, or the next member's magic.</summary>
    private async ValueTask ReadEndAsync(byte[] record, List<ChunkCodec.Encoded> group, int first, bool useAsync, CancellationToken cancellationToken)
    {
        _end = EndRecord.Read(record);
        if (_end.ChunkCount != _chunkIndex)
            throw new InvalidDataException($"end record lists {_end.ChunkCount} chunks but the file holds {_chunkIndex} (chunks are missing or the file is corrupt)");
        _memberEnded = true;
        var next = new byte[ContainerFormat.FileHeaderSize];
        int n = await ReadUpToAsync(next, useAsync, cancellationToken);
        if (n == 0) Finished = true;
        else if (!ContainerFormat.StartsMember(next.AsSpan(0, n))) throw new InvalidDataException("trailing garbage after the end record");
        else _nextHeader = next[..n];
    }

    /// <summary>Checks the member just read against its end record and readies the next one.</summary>
    private void EndMember()
    {
        if (_memberOut != _end.TotalLength)
            throw new InvalidDataException($"decoded {_memberOut} bytes but the end record says {_end.TotalLength}");
        if (_contentHash.GetCurrentHashAsUInt64() != _end.ContentHash)
            throw new InvalidDataException("whole-content checksum mismatch");
        _memberEnded = false;
        if (Finished) return;
        _member++;
        _header = null;
        _chunkIndex = 0;
        _memberOut = 0;
        _contentHash.Reset();
    }

    private async ValueTask ReadHeaderAsync(bool useAsync, CancellationToken cancellationToken)
    {
        var bytes = new byte[ContainerFormat.FileHeaderSize];
        int n;
        if (_nextHeader is { } next)
        {
            // Looking past the previous member's end record already read this much of the header.
            next.CopyTo(bytes, 0);
            n = next.Length;
            _nextHeader = null;
        }
        else n = await ReadUpToAsync(bytes, useAsync, cancellationToken);
        if (n < 4 || !bytes.AsSpan(0, 4).SequenceEqual(ContainerFormat.Magic)) throw new InvalidDataException("not an lmz file (bad magic)");
        if (n < bytes.Length) throw new InvalidDataException("truncated file header");
        _header = FileHeader.Read(bytes);
        var bundle = ModelCatalog.Find(_header.ModelFingerprint, _options.Model, _options.ModelDirectories);
        if (_header.InferenceFingerprint != InferenceFingerprint.For(_header.Level))
            throw new InvalidDataException(
                $"the file's network specification (inference fingerprint {_header.InferenceFingerprint:x8}) is not the one this lmz computes at level {_header.Level} ({InferenceFingerprint.For(_header.Level):x8})");
        _codec = new ChunkCodec(bundle, _header.Level, Math.Max(1, _options.Threads), _options.Engine, _header.Version).Prepare();
    }

    private async ValueTask ReadExactAsync(byte[] buffer, string whatIfShort, bool useAsync, CancellationToken cancellationToken)
    {
        if (await ReadUpToAsync(buffer, useAsync, cancellationToken) < buffer.Length) throw new InvalidDataException(whatIfShort);
    }

    /// <summary>Fills <paramref name="buffer"/> unless the input ends first; returns how much it read.</summary>
    private async ValueTask<int> ReadUpToAsync(byte[] buffer, bool useAsync, CancellationToken cancellationToken)
    {
        int n = useAsync ? await _input.ReadAtLeastAsync(buffer, buffer.Length, false, cancellationToken) : _input.ReadAtLeast(buffer, buffer.Length, false);
        _totalIn += n;
        return n;
    }
}
