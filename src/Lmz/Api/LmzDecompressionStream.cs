using Lmz.Container;

namespace Lmz;

/// <summary>
/// A read-only stream that decompresses an .lmz container from the inner stream, a group of
/// chunks at a time; containers joined back to back read as the concatenation of their contents.
/// Corruption surfaces as <see cref="InvalidDataException"/> from Read, before any byte of the
/// failing group is returned.
/// </summary>
public sealed class LmzDecompressionStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly ContainerReader _reader;
    private readonly Queue<byte[]> _chunks = new();
    private int _offset;
    private bool _disposed;

    /// <summary>Decompresses from <paramref name="inner"/>, which must be readable; <paramref name="leaveOpen"/> keeps it open after Dispose.</summary>
    public LmzDecompressionStream(Stream inner, LmzDecompressionOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanRead) throw new ArgumentException("the inner stream must be readable", nameof(inner));
        _inner = inner;
        _leaveOpen = leaveOpen;
        _reader = new ContainerReader(inner, (options ?? new()).ToReaderSettings());
    }

    /// <inheritdoc/>
    public override bool CanRead => !_disposed;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override bool CanWrite => false;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_chunks.Count == 0 && !_reader.Finished)
            Enqueue(_reader.ReadGroupAsync(useAsync: false, default).AsTask().GetAwaiter().GetResult());
        return Serve(buffer);
    }

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_chunks.Count == 0 && !_reader.Finished)
            Enqueue(await _reader.ReadGroupAsync(useAsync: true, cancellationToken));
        return Serve(buffer.Span);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Enqueue(IReadOnlyList<byte[]> group)
    {
        foreach (var chunk in group) _chunks.Enqueue(chunk);
    }

    private int Serve(Span<byte> buffer)
    {
        int written = 0;
        while (written < buffer.Length && _chunks.Count > 0)
        {
            var chunk = _chunks.Peek();
            int n = Math.Min(buffer.Length - written, chunk.Length - _offset);
            chunk.AsSpan(_offset, n).CopyTo(buffer[written..]);
            written += n;
            _offset += n;
            if (_offset == chunk.Length) { _chunks.Dequeue(); _offset = 0; }
        }
        return written;
    }

    /// <inheritdoc/>
    public override void Flush() { }
    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            if (!_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
