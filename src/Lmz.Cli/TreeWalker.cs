using System.Runtime.InteropServices;

namespace Lmz.Cli;

/// <summary>
/// `-r`: replaces each directory among the inputs by the regular files below it, in name order, as
/// gzip -r does. Symbolic links and special files (pipes, sockets, devices) met on the way are skipped
/// with a warning; directory links are not followed. When decompressing, testing or listing, only
/// FILE.lmz files are taken and the rest skipped silently (gzip keeps -dr quiet the same way); when
/// compressing every file is taken, and <see cref="FileJob"/> warns about those already ending in .lmz.
/// The whole list is made before any file is written, so new .lmz files are never picked up.
/// </summary>
public sealed partial class TreeWalker(CliMode mode, Diagnostics diagnostics)
{
    public IReadOnlyList<string> Expand(IReadOnlyList<string> inputs)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (input != CliSettings.StdinName && Directory.Exists(input)) Walk(input, files);
            else files.Add(input);
        }
        return files;
    }

    private void Walk(string directory, List<string> files)
    {
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(directory, Diagnostics.Reason(exception));
            return;
        }
        Array.Sort(entries, StringComparer.Ordinal);
        foreach (var path in entries)
        {
            switch (KindOf(path))
            {
                case EntryKind.Directory:
                    Walk(path, files);
                    break;
                case EntryKind.Link:
                    diagnostics.Warning(path, "is a symbolic link -- ignored");
                    break;
                case EntryKind.Special:
                    diagnostics.Warning(path, "is not a directory or a regular file -- ignored");
                    break;
                case EntryKind.File when mode == CliMode.Compress || path.EndsWith(CliSettings.Suffix, StringComparison.Ordinal):
                    files.Add(path);
                    break;
            }
        }
    }

    private enum EntryKind { File, Directory, Link, Special, Gone }

    private static EntryKind KindOf(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            var attributes = File.GetAttributes(path);
            return attributes.HasFlag(FileAttributes.ReparsePoint) ? EntryKind.Link
                : attributes.HasFlag(FileAttributes.Directory) ? EntryKind.Directory
                : attributes.HasFlag(FileAttributes.Device) ? EntryKind.Special
                : EntryKind.File;
        }
        // .NET reports pipes, sockets and devices as plain files, and opening a pipe would block, so
        // the type comes from lstat, through the runtime's own System.Native (the same on every Unix).
        if (LStat(path, out var status) != 0) return EntryKind.Gone;
        return (status.Mode & TypeMask) switch
        {
            RegularType => EntryKind.File,
            DirectoryType => EntryKind.Directory,
            LinkType => EntryKind.Link,
            _ => EntryKind.Special,
        };
    }

    private const int TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000, LinkType = 0xA000;

    /// <summary>The start of System.Native's FileStatus (flags, then the mode with its S_IF* type bits); sized to hold the rest.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct FileStatus
    {
        public int Flags;
        public int Mode;
    }

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, out FileStatus status);
}
