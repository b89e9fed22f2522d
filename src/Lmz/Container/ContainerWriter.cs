using System.IO.Hashing;
using Lmz.Formats;
using Lmz.Bundles;

namespace Lmz.Container;

/// <summary>
/// Writes an .lmz container incrementally: data is cut into chunks (at the last line break in
/// the final 4 KiB before the nominal size, when one is there and more data follows), chunks
/// are compressed a group at a time, so memory stays within a few groups whatever the input size.
/// With the default chunk size, a chunk that begins with a block the byte mixer will code
/// (<see cref="ChunkRouter.CodesAsBytes"/>: binary, or text the network will not take) takes in
/// the blocks like it that follow, up to <see cref="LevelProfile.BinaryChunkBlocks"/>;
/// binary input that ends longer than that, or that would be the only chunk of its group at a
/// level that splits lone chunks, becomes two equal halves, so two threads share it. At those
/// levels text that would be a lone chunk, or a group's only full chunk and a shorter tail, is
/// cut into two halves at a line break for the same reason.
/// Cut points and groups depend only on the data, never on how it was written or on threads.
/// </summary>
internal sealed class ContainerWriter
{
    public const int LineBreakWindow = 4096;
    private readonly Stream _output;
    private readonly WriterSettings _options;
    private readonly GroupCodec _codec;
    private readonly XxHash64 _contentHash = new();
    private readonly List<byte[]> _cut = [];
    private byte[] _pending;
    private int _pendingLength;
    private long _totalIn;
    private long _totalOut;
    private int _chunkCount;

    public ContainerWriter(Stream output, WriterSettings options)
    {
        _output = output;
        _options = options;
        var bundle = options.Bundle;
        _codec = new GroupCodec(bundle, options.Level, Format.Current, options.Threads, options.Engine).Prepare();
        _longest = options.LongestChunk;
        // Two of the longest chunks: the end of a binary input can be cut into equal halves.
        _pending = new byte[(MergesBinary ? 2 * _longest : _longest) + 1];
        _pendingHeader = new FileHeader((byte)options.Level.Level, options.ChunkSize, bundle.Fingerprint, InferenceFingerprint.For(options.Level)).ToBytes();
    }

    private byte[]? _pendingHeader;
    private readonly int _longest;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, bool useAsync, CancellationToken cancellationToken)
    {
        await WriteHeaderOnceAsync(useAsync, cancellationToken);
        while (!data.IsEmpty)
        {
            int take = Math.Min(data.Length, _pending.Length - _pendingLength);
            data[..take].CopyTo(_pending.AsMemory(_pendingLength));
            _pendingLength += take;
            data = data[take..];
            if (_pendingLength == _pending.Length) await CutChunkAsync(useAsync, cancellationToken);
        }
    }

    public async ValueTask FinishAsync(bool useAsync, CancellationToken cancellationToken)
    {
        await WriteHeaderOnceAsync(useAsync, cancellationToken);
        int size = _options.ChunkSize;
        while (_pendingLength > 0)
        {
            var rest = _pending.AsSpan(0, _pendingLength);
            bool lone = SplitsLoneChunk && _cut.Count == 0;
            int bytesRun = MergesBinary ? BinaryRun(rest, finishing: true, rest.Length) : 0;
            if (bytesRun == rest.Length)
                Take(rest.Length > _longest || (lone && rest.Length >= 2 * (ChunkRouter.FewControlBytes(rest) ? MinTextBytesHalf : MinBinaryHalf)) ? rest.Length / 2 : rest.Length);
            else if (lone && rest.Length > size && bytesRun == 0 && BalancesEnd(rest)) Take(CutPoint(rest, rest.Length / 2));
            else if (rest.Length > size) CutChunk(finishing: true);
            else if (lone && rest.Length >= 2 * MinHalfChunk && ChunkRouter.FewControlBytes(rest)) Take(CutPoint(rest, rest.Length / 2));
            else Take(rest.Length);
            if (_cut.Count == Format.GroupSize) await FlushGroupAsync(useAsync, cancellationToken);
        }
        await FlushGroupAsync(useAsync, cancellationToken);
        await WriteOutAsync(EndRecord.ToBytes(_contentHash.GetCurrentHashAsUInt64(), _chunkCount), useAsync, cancellationToken);
        if (useAsync) await _output.FlushAsync(cancellationToken); else _output.Flush();
    }

    private async ValueTask WriteHeaderOnceAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (_pendingHeader == null) return;
        var header = _pendingHeader;
        _pendingHeader = null;
        await WriteOutAsync(header, useAsync, cancellationToken);
    }

    /// <summary>The pending buffer is full: more data follows the longest chunk it can hold.</summary>
    private async ValueTask CutChunkAsync(bool useAsync, CancellationToken cancellationToken)
    {
        CutChunk(finishing: false);
        if (_cut.Count == Format.GroupSize) await FlushGroupAsync(useAsync, cancellationToken);
    }

    /// <summary>
    /// Cuts one chunk off the front of the pending bytes, which hold more than one chunk size:
    /// binary blocks together (when merging), else one chunk size ending after a line break.
    /// </summary>
    private void CutChunk(bool finishing)
    {
        var pending = _pending.AsSpan(0, _pendingLength);
        int binary = MergesBinary ? BinaryRun(pending, finishing, _longest) : 0;
        Take(binary > 0 ? binary : CutPoint(pending, _options.ChunkSize));
    }

    /// <summary>
    /// Bytes of the whole chunk-size blocks at the front of <paramref name="pending"/> that go to
    /// the byte mixer (<see cref="ChunkRouter.CodesAsBytes"/>), up to <paramref name="limit"/>; the
    /// last, shorter block counts only when <paramref name="finishing"/> (else more data follows
    /// and its class is not known yet).
    /// </summary>
    private int BinaryRun(ReadOnlySpan<byte> pending, bool finishing, int limit)
    {
        int size = _options.ChunkSize, run = 0;
        while (run < limit && run < pending.Length)
        {
            int next = Math.Min(run + size, pending.Length);
            if ((next - run < size && !finishing) || !CodesAsBytes(pending[run..next], _taken + run)) break;
            run = next;
        }
        return run;
    }

    /// <summary>The codec's route of a block starting <paramref name="start"/> bytes into the input, remembered: the text test tokenizes.</summary>
    private bool CodesAsBytes(ReadOnlySpan<byte> block, long start)
    {
        if (_routes.TryGetValue(start, out var known) && known.Length == block.Length) return known.Bytes;
        bool bytes = ChunkRouter.CodesAsBytes(block, Format.Current, _options.Level, _options.Bundle.Tokenizer);
        _routes[start] = (block.Length, bytes);
        return bytes;
    }

    private readonly Dictionary<long, (int Length, bool Bytes)> _routes = [];

    /// <summary>Makes the first <paramref name="length"/> pending bytes a chunk.</summary>
    private void Take(int length)
    {
        AddChunk(_pending.AsSpan(0, length).ToArray());
        _pending.AsSpan(length, _pendingLength - length).CopyTo(_pending);
        _pendingLength -= length;
        _taken += length;
        foreach (long start in _routes.Keys.Where(k => k < _taken).ToList()) _routes.Remove(start);
    }

    private long _taken; // input bytes made chunks so far: where the pending bytes start

    /// <summary>Just after the last line break in the <see cref="LineBreakWindow"/> bytes before <paramref name="size"/>, else at it.</summary>
    private static int CutPoint(ReadOnlySpan<byte> data, int size)
    {
        int windowStart = Math.Max(0, size - LineBreakWindow);
        int lineBreak = data[windowStart..size].LastIndexOf((byte)'\n');
        return lineBreak >= 0 ? windowStart + lineBreak + 1 : size;
    }

    /// <summary>
    /// Whether text that would be a group's only full chunk and a shorter tail, more than one chunk
    /// size but at most two, becomes two halves cut at a line break instead (at levels that split
    /// lone chunks: two threads then share it, as they share a lone chunk). Both halves stay within
    /// the chunk size. After a full chunk of the same group the end is not balanced: two threads
    /// already work, and equal halves code larger (world192.txt -6: 361,328 bytes against 357,357).
    /// </summary>
    private bool BalancesEnd(ReadOnlySpan<byte> rest) =>
        SplitsLoneChunk && rest.Length <= 2 * (_options.ChunkSize - LineBreakWindow) && ChunkRouter.FewControlBytes(rest)
        && !CodesAsBytes(rest[_options.ChunkSize..], _taken + _options.ChunkSize);

    private bool MergesBinary => _options.DefaultChunkSize;

    private bool SplitsLoneChunk => _options.DefaultChunkSize && _options.Level.SplitsLoneChunk;

    /// <summary>Smallest half worth splitting for: each half relearns the file from nothing (see <see cref="LevelProfile.SplitsLoneChunk"/>).</summary>
    public const int MinHalfChunk = 64 << 10;

    /// <summary>
    /// Smallest half of a lone binary chunk: the byte model loses by the split and gains a thread,
    /// so only inputs of at least 512 KiB are split (docs/decisions/chunks.md).
    /// </summary>
    public const int MinBinaryHalf = 256 << 10;

    /// <summary>
    /// Smallest half of a lone chunk of text for the byte model: structured text loses more by the
    /// split (pokemon.json at -6: 22,579 bytes in halves, 21,002 whole; docs/decisions/structured.md).
    /// </summary>
    public const int MinTextBytesHalf = 1 << 20;

    private void AddChunk(byte[] chunk)
    {
        _contentHash.Append(chunk);
        _cut.Add(chunk);
    }

    private async ValueTask FlushGroupAsync(bool useAsync, CancellationToken cancellationToken)
    {
        if (_cut.Count == 0) return;
        long groupStart = _totalIn;
        long coded = 0;
        int groupBytes = _cut.Sum(c => c.Length);
        var progress = _options.Progress;
        var encoded = _codec.CompressGroup(_cut, cancellationToken, progress == null ? null : bytes =>
        {
            coded = Math.Min(groupBytes, coded + bytes);
            progress(groupStart + coded, _totalOut);
        });
        foreach (var chunk in encoded)
        {
            await WriteOutAsync(chunk.Record.ToBytes(chunk.Payload), useAsync, cancellationToken);
            await WriteOutAsync(chunk.Payload, useAsync, cancellationToken);
            _totalIn += chunk.Record.OriginalLength;
        }
        _chunkCount += _cut.Count;
        _cut.Clear();
        _options.Progress?.Invoke(_totalIn, _totalOut);
    }

    private async ValueTask WriteOutAsync(byte[] bytes, bool useAsync, CancellationToken cancellationToken)
    {
        if (useAsync) await _output.WriteAsync(bytes, cancellationToken); else _output.Write(bytes);
        _totalOut += bytes.Length;
    }
}
