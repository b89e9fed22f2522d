using System.IO.Hashing;
using Lmz.Modeling;

namespace Lmz.Container;

/// <summary>
/// Writes an .lmz container incrementally: data is cut into chunks (at the last line break in
/// the final 4 KiB before the nominal size, when one is there and more data follows), chunks
/// are compressed a group at a time, so memory stays within a few groups whatever the input size.
/// With the default chunk size, a chunk that begins with a binary block (more than 1% control
/// bytes) takes in the binary blocks after it, up to <see cref="ContainerFormat.BinaryChunkBlocks"/>.
/// Cut points and groups depend only on the data, never on how it was written or on threads.
/// </summary>
internal sealed class ContainerWriter
{
    public const int LineBreakWindow = 4096;
    private readonly Stream _output;
    private readonly LmzCompressionOptions _options;
    private readonly ChunkCodec _codec;
    private readonly XxHash64 _contentHash = new();
    private readonly List<byte[]> _cut = [];
    private byte[] _pending;
    private int _pendingLength;
    private long _totalIn;
    private long _totalOut;
    private int _chunkCount;

    public ContainerWriter(Stream output, LmzCompressionOptions options)
    {
        options.Validate();
        _output = output;
        _options = options;
        var bundle = options.Model ?? LmzModelBundle.Default;
        _codec = new ChunkCodec(bundle, options.Level, options.Threads, options.Engine);
        _pending = new byte[(MergesBinary ? ChunkRecord.MaxChunkLength(options.EffectiveChunkSize) : options.EffectiveChunkSize) + 1];
        uint inference = InferenceFingerprint.For(options.Level);
        Span<byte> header = stackalloc byte[ContainerFormat.FileHeaderSize];
        new FileHeader((byte)options.Level, options.EffectiveChunkSize, bundle.Fingerprint, inference).Write(header);
        _pendingHeader = header.ToArray();
    }

    private byte[]? _pendingHeader;

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
        while (_pendingLength > _options.EffectiveChunkSize)
        {
            CutChunk(finishing: true);
            if (_cut.Count == ContainerFormat.GroupSize) await FlushGroupAsync(useAsync, cancellationToken);
        }
        var rest = _pending.AsSpan(0, _pendingLength);
        if (SplitsLoneChunk && _cut.Count == 0 && rest.Length >= 2 * MinHalfChunk && ChunkCodec.FewControlBytes(rest))
        {
            int cut = CutPoint(rest, rest.Length / 2);
            AddChunk(rest[..cut].ToArray());
            rest = rest[cut..];
        }
        if (rest.Length > 0) AddChunk(rest.ToArray());
        _pendingLength = 0;
        await FlushGroupAsync(useAsync, cancellationToken);
        var end = new byte[ContainerFormat.RecordSize];
        new EndRecord(_totalIn, _contentHash.GetCurrentHashAsUInt64(), _chunkCount).Write(end);
        await WriteOutAsync(end, useAsync, cancellationToken);
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
        if (_cut.Count == ContainerFormat.GroupSize) await FlushGroupAsync(useAsync, cancellationToken);
    }

    /// <summary>
    /// Cuts one chunk off the front of the pending bytes, which hold more than one chunk size:
    /// binary blocks together (when merging), else one chunk size ending after a line break.
    /// </summary>
    private void CutChunk(bool finishing)
    {
        int size = _options.EffectiveChunkSize;
        var pending = _pending.AsSpan(0, _pendingLength);
        int cut = CutPoint(pending, size);
        if (MergesBinary && !ChunkCodec.FewControlBytes(pending[..size]))
        {
            cut = size;
            int longest = _pending.Length - 1;
            while (cut < longest && cut < pending.Length)
            {
                int next = Math.Min(cut + size, pending.Length);
                if (next == pending.Length && !finishing) break; // an incomplete block: its class is not known yet
                if (ChunkCodec.FewControlBytes(pending[cut..next])) break;
                cut = next;
            }
        }
        AddChunk(pending[..cut].ToArray());
        pending[cut..].CopyTo(_pending);
        _pendingLength -= cut;
    }

    /// <summary>Just after the last line break in the <see cref="LineBreakWindow"/> bytes before <paramref name="size"/>, else at it.</summary>
    private static int CutPoint(ReadOnlySpan<byte> data, int size)
    {
        int windowStart = Math.Max(0, size - LineBreakWindow);
        int lineBreak = data[windowStart..size].LastIndexOf((byte)'\n');
        return lineBreak >= 0 ? windowStart + lineBreak + 1 : size;
    }

    private bool MergesBinary => _options.ChunkSize == null;

    private bool SplitsLoneChunk => _options.ChunkSize == null && LevelProfile.For(_options.Level).SplitsLoneChunk;

    /// <summary>Smallest half worth splitting for: each half relearns the file from nothing (see <see cref="LevelProfile.SplitsLoneChunk"/>).</summary>
    public const int MinHalfChunk = 64 << 10;

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
            progress.Report(new LmzProgress(groupStart + coded, _totalOut));
        });
        var record = new byte[ContainerFormat.RecordSize];
        foreach (var chunk in encoded)
        {
            chunk.Record.Write(record);
            await WriteOutAsync(record, useAsync, cancellationToken);
            await WriteOutAsync(chunk.Payload, useAsync, cancellationToken);
            _totalIn += chunk.Record.OriginalLength;
        }
        _chunkCount += _cut.Count;
        _cut.Clear();
        _options.Progress?.Report(new LmzProgress(_totalIn, _totalOut));
    }

    private async ValueTask WriteOutAsync(byte[] bytes, bool useAsync, CancellationToken cancellationToken)
    {
        if (useAsync) await _output.WriteAsync(bytes, cancellationToken); else _output.Write(bytes);
        _totalOut += bytes.Length;
    }
}
