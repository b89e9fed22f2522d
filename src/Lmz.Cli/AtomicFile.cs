namespace Lmz.Cli;

/// <summary>
/// An output written to a hidden temporary file beside the target (.NAME.tmp-XXXXXXXX) and renamed over
/// it only by <see cref="Commit"/>; disposing without committing deletes the temporary file.
/// </summary>
public sealed class AtomicFile : IDisposable
{
    private readonly string _target;
    private readonly bool _overwrite;
    private readonly FileStream _stream;
    private bool _committed;

    private AtomicFile(string target, bool overwrite)
    {
        _target = Path.GetFullPath(target);
        _overwrite = overwrite;
        string directory = Path.GetDirectoryName(_target) ?? ".";
        string name = $".{Path.GetFileName(_target)}.tmp-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray(), 0, 4)}";
        TempPath = Path.Combine(directory, name);
        _stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
    }

    public string TempPath { get; }

    public Stream Stream => _stream;

    public static AtomicFile Create(string target, bool overwrite) => new(target, overwrite);

    /// <summary>Flushes to disk, copies the source's time and permissions, then renames into place.</summary>
    public void Commit(string? source)
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
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
        _stream.Dispose();
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
