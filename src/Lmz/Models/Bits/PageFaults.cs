using System.Runtime.InteropServices;

namespace Lmz.Models.Bits;

/// <summary>
/// Maps a fresh context table's pages in one call (Linux's MADV_POPULATE_WRITE) instead of one
/// page fault at a time as the model first writes each: the model touches nearly every page of
/// a 4 MiB table within 100 KB of input, and on a virtual machine each fault is costly. A hint:
/// the contents stay zero, and where the call is missing (other systems, kernels before 5.14) it
/// does nothing.
/// </summary>
internal static partial class PageFaults
{
    private const int PopulateWrite = 23; // MADV_POPULATE_WRITE
    private const long Page = 4096;

    public static unsafe void Prefault(byte[] table)
    {
        if (!OperatingSystem.IsLinux() || table.Length < 16 * Page) return;
        fixed (byte* p = table)
        {
            long start = ((long)p + Page - 1) & ~(Page - 1);
            long end = ((long)p + table.Length) & ~(Page - 1);
            if (end > start) _ = Advise((nint)start, (nuint)(end - start), PopulateWrite);
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Advise(nint address, nuint length, int advice);
}
