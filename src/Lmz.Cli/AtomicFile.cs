namespace Lmz.Cli;

/// <summary>
/// An output written to a hidden temporary file beside the target (.NAME.tmp-XXXXXXXX) and renamed over
/// it only by <see cref="Commit"/>; disposing without committing deletes the temporary file, even when
/// the write that failed left bytes in the buffer that cannot be flushed (a full disk).
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly string _name;
    private readonly string _target;
    private readonly bool _overwrite;
    private readonly FileStream _file;
    private bool _committed;

    private AtomicFile(string target, bool overwrite)
    {
        _name = target;
        _target = Path.GetFullPath(target);
        _overwrite = overwrite;
        string directory = Path.GetDirectoryName(_target) ?? ".";
        string name = $".{Path.GetFileName(_target)}.tmp-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray(), 0, 4)}";
        TempPath = Path.Combine(directory, name);
        _file = new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        Stream = new NamedOutputStream(_file, target);
    }

    public string TempPath { get; }

    /// <summary>Writes to the temporary file; a failed write throws <see cref="OutputException"/> naming the target.</summary>
    public Stream Stream { get; }

    public static AtomicFile Create(string target, bool overwrite) => new(target, overwrite);

    /// <summary>Flushes to disk, copies the source's time and permissions, then renames into place.</summary>
    public void Commit(string? source)
    {
        try
        {
            _file.Flush(flushToDisk: true);
            _file.Dispose();
        }
        catch (IOException exception)
        {
            throw new OutputException(_name, exception);
        }
        if (source != null)
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(TempPath, File.GetUnixFileMode(source));
            File.SetLastWriteTimeUtc(TempPath, File.GetLastWriteTimeUtc(source));
        }
        File.Move(TempPath, _target, _overwrite);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        try
        {
            // Closing flushes what is buffered; after a failed write that fails again, and the
            // handle is closed all the same.
            _file.Dispose();
        }
        catch (IOException)
        {
        }
        try
        {
            File.Delete(TempPath);
        }
        catch (IOException)
        {
            // Best effort: the error that got us here is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
