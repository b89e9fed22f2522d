using Lmz.Container;

namespace Lmz;

/// <summary>
/// A write-only stream that compresses what is written to it into an .lmz container on the
/// inner stream. The container is completed on Dispose (or <see cref="DisposeAsync"/>); the inner
/// stream is closed too unless <c>leaveOpen</c> is true.
/// </summary>
public sealed class LmzCompressionStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly ContainerWriter _writer;
    private bool _disposed;

    /// <summary>Compresses into <paramref name="inner"/>, which must be writable; <paramref name="leaveOpen"/> keeps it open after Dispose.</summary>
    public LmzCompressionStream(Stream inner, LmzCompressionOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanWrite) throw new ArgumentException("the inner stream must be writable", nameof(inner));
        _inner = inner;
        _leaveOpen = leaveOpen;
        _writer = new ContainerWriter(inner, (options ?? new()).ToWriterSettings());
    }

    /// <inheritdoc/>
    public override bool CanRead => false;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override bool CanWrite => !_disposed;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.WriteAsync(buffer.ToArray(), useAsync: false, default).AsTask().GetAwaiter().GetResult();
    }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writer.WriteAsync(buffer, useAsync: true, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Flush writes nothing: a chunk is coded only once it is complete.</summary>
    public override void Flush() { }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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
            try { _writer.FinishAsync(useAsync: false, default).AsTask().GetAwaiter().GetResult(); }
            finally { if (!_leaveOpen) _inner.Dispose(); }
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            try { await _writer.FinishAsync(useAsync: true, default); }
            finally { if (!_leaveOpen) await _inner.DisposeAsync(); }
        }
        GC.SuppressFinalize(this);
    }
}
