namespace Lmz.Cli;

/// <summary>
/// A write-only pass-through that names its output in failures: an <see cref="IOException"/> from
/// the inner stream (a full disk, a closed pipe) becomes an <see cref="OutputException"/>, which the
/// CLI prints as gzip does, `lmz: OUTPUT: No space left on device`, rather than naming the input or a temporary file.
/// </summary>
public sealed class NamedOutputStream(Stream inner, string name) : Stream
{
    public override bool CanRead => false;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch (IOException exception) when (exception is not OutputException)
        {
            throw new OutputException(name, exception);
        }
    }

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (IOException exception) when (exception is not OutputException)
        {
            throw new OutputException(name, exception);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Writing to <see cref="Output"/> failed; <see cref="Reason"/> is the system's text without the path .NET appends.</summary>
public sealed class OutputException(string output, IOException cause) : IOException(ReasonOf(cause), cause)
{
    public string Output { get; } = output;

    public string Reason => Message;

    /// <summary>.NET words a failed write as "No space left on device : '/dir/.name.tmp-1a2b3c4d'"; the path is ours to name.</summary>
    private static string ReasonOf(IOException cause)
    {
        string message = cause.Message;
        int path = message.IndexOf(" : '", StringComparison.Ordinal);
        return path > 0 ? message[..path] : message;
    }
}
