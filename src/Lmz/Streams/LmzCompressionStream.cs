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

    public LmzCompressionStream(Stream inner, LmzCompressionOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanWrite) throw new ArgumentException("the inner stream must be writable", nameof(inner));
        _inner = inner;
        _leaveOpen = leaveOpen;
        _writer = new ContainerWriter(inner, options ?? new());
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_disposed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writer.WriteAsync(buffer.ToArray(), useAsync: false, default).AsTask().GetAwaiter().GetResult();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _writer.WriteAsync(buffer, useAsync: true, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Flush writes nothing: a chunk is coded only once it is complete.</summary>
    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

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
