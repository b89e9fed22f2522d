using System.IO.Hashing;
using Lmz.Formats;
using Lmz.Methods;

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
    private readonly ContainerParser _input;
    private readonly ReaderSettings _options;
    private readonly XxHash64 _contentHash = new();
    private GroupCodec? _codec;
    private FileHeader? _header;
    private int _member;
    private EndRecord _end;
    private bool _memberEnded;
    private int _chunkIndex;
    private long _memberOut;
    private long _totalOut;

    public ContainerReader(Stream input, ReaderSettings options)
    {
        _input = new ContainerParser(input);
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
        var group = new List<GroupCodec.Encoded>();
        int first = _chunkIndex;
        while (group.Count < Format.GroupSize)
        {
            var item = await _input.ReadItemAsync(_header!, _chunkIndex, readPayload: true, useAsync, cancellationToken);
            if (item.End is { } end)
            {
                await ReadEndAsync(end, useAsync, cancellationToken);
                return Decode(group, first, cancellationToken);
            }
            if (item.Record.Method.UsesTransformer() && !LevelProfile.For(_header!.Level).UsesNetwork)
                throw ChunkRecord.Corrupt(_chunkIndex, $"transformer-coded, but the file's level {_header.Level} never uses the transformer");
            group.Add(new GroupCodec.Encoded(item.Record, item.Payload!));
            _chunkIndex++;
        }
        return Decode(group, first, cancellationToken);
    }

    private IReadOnlyList<byte[]> Decode(List<GroupCodec.Encoded> group, int first, CancellationToken cancellationToken)
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
            progress(groupStart + decoded, _input.BytesRead);
        });
        foreach (var bytes in output) { _contentHash.Append(bytes); _memberOut += bytes.Length; _totalOut += bytes.Length; }
        _options.Progress?.Invoke(_totalOut, _input.BytesRead);
        if (_memberEnded) EndMember();
        return output;
    }

    /// <summary>Takes the end record, then looks past it: the end of the input, or the next member's magic.</summary>
    private async ValueTask ReadEndAsync(EndRecord end, bool useAsync, CancellationToken cancellationToken)
    {
        _end = end;
        if (end.ChunkCount is { } count && count != _chunkIndex)
            throw new InvalidDataException($"end record lists {count} chunks but the file holds {_chunkIndex} (chunks are missing or the file is corrupt)");
        _memberEnded = true;
        if (!await _input.NextMemberAsync(useAsync, cancellationToken)) Finished = true;
    }

    /// <summary>Checks the member just read against its end record and readies the next one.</summary>
    private void EndMember()
    {
        if (_end.TotalLength is { } length && _memberOut != length)
            throw new InvalidDataException($"decoded {_memberOut} bytes but the end record says {length}");
        if (_end.ContentHash is { } hash && _contentHash.GetCurrentHashAsUInt64() != hash)
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
        _header = await _input.ReadHeaderAsync(useAsync, cancellationToken);
        var bundle = _options.FindBundle(_header.ModelFingerprint);
        var level = LevelProfile.For(_header.Level);
        if (_header.InferenceFingerprint != InferenceFingerprint.For(level))
            throw new InvalidDataException(
                $"the file's network specification (inference fingerprint {_header.InferenceFingerprint:x8}) is not the one this lmz computes at level {_header.Level} ({InferenceFingerprint.For(level):x8})");
        int longest = _header.Format.MaxChunkLength(_header.ChunkSize);
        int threads = ThreadBudget.Fit(_header.Level, Math.Max(1, _options.Threads), longest, ThreadBudget.AvailableBytes);
        _codec = new GroupCodec(bundle, level, _header.Format, threads, _options.Engine).Prepare();
    }
}
