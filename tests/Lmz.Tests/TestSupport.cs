using System.Security.Cryptography;
using Lmz.Formats;
using Lmz.Methods;

namespace Lmz.Tests;

/// <summary>Locations in the repository and shared test inputs.</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding Compressor.sln, found by walking up from the test assembly.</summary>
    public static string Root => RootLazy.Value;

    public static string Corpora => Path.Combine(Root, "corpora");

    public static string CorpusFile(string relative) => Path.Combine(Corpora, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// A file of ../shared/corpora, beside the repository (where CI puts it): the large corpora not
    /// committed here. Where it is absent the calling test is reported skipped, naming the file.
    /// </summary>
    public static string SharedCorpusFile(string relative)
    {
        string path = Path.Combine(Root, "..", "shared", "corpora", relative.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(path)) Assert.Skip($"needs ../shared/corpora/{relative} beside the repository, which is absent");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Compressor.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Compressor.sln not found above {AppContext.BaseDirectory}");
    }

    private static readonly Lazy<byte[]> AliceLazy = new(() => File.ReadAllBytes(CorpusFile("canterbury/alice29.txt")));

    /// <summary>canterbury/alice29.txt, read once.</summary>
    public static byte[] Alice => AliceLazy.Value;
}

/// <summary>One row of corpora/MANIFEST.tsv.</summary>
internal sealed record ManifestEntry(string File, long Bytes, string Sha256)
{
    public static IReadOnlyList<ManifestEntry> ReadAll()
    {
        var lines = System.IO.File.ReadAllLines(Path.Combine(Repo.Corpora, "MANIFEST.tsv"));
        var header = lines[0].Split('\t');
        int file = Array.IndexOf(header, "file"), bytes = Array.IndexOf(header, "bytes"), sha = Array.IndexOf(header, "sha256");
        if (file < 0 || bytes < 0 || sha < 0) throw new InvalidDataException("MANIFEST.tsv lacks the file/bytes/sha256 columns");
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(c => new ManifestEntry(c[file], long.Parse(c[bytes]), c[sha].ToLowerInvariant())).ToList();
    }
}

internal static class Bytes
{
    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Index of the first difference, or -1 (a readable failure for large arrays).</summary>
    public static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++) if (a[i] != b[i]) return i;
        return a.Length == b.Length ? -1 : n;
    }

    public static void Equal(byte[] expected, byte[] actual)
    {
        int at = FirstDifference(expected, actual);
        Assert.True(at < 0, $"outputs differ at byte {at} (expected {expected.Length} bytes, got {actual.Length})");
    }
}

/// <summary>LMZ_TEST_QUICK=1 shrinks the two largest inputs (whole corpus files, 1 MiB of random bytes).</summary>
internal static class TestScope
{
    public static bool Quick => Environment.GetEnvironmentVariable("LMZ_TEST_QUICK") == "1";
}

/// <summary>Level-1 options used by most container tests (the fast online-predictor path).</summary>
internal static class Options
{
    public static LmzCompressionOptions Level1(int chunkSize = 1 << 20, int threads = 2) =>
        new() { Level = 1, ChunkSize = chunkSize, Threads = threads };

    public static LmzDecompressionOptions Decode(int threads = 2) => new() { Threads = threads };
}

/// <summary>A temporary directory removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lmz-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Shared inputs for container tests.</summary>
internal static class Inputs
{
    /// <summary>Text with CRLF, tabs, emoji and CJK, a few KB.</summary>
    public static byte[] MixedText()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            sb.Append("Line ").Append(i).Append(":\tcolumn\tvalues 😀 👩‍👩‍👧 中文字符 日本語 한국어\r\n");
            sb.Append("\t\tindented, with a trailing space \r\n");
            if (i % 7 == 0) sb.Append("\r\n\r\n");
        }
        return System.Text.Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Invalid UTF-8 sequences mixed into text.</summary>
    public static byte[] InvalidUtf8()
    {
        var parts = new List<byte>();
        var junk = new[] { "80", "BF", "C3", "E2 82", "F0 9F 98", "C0 AF", "E0 80 AF", "ED A0 80", "ED BF BF", "F4 90 80 80", "FE", "FF" };
        for (int i = 0; i < 60; i++)
        {
            parts.AddRange("some ordinary text "u8.ToArray());
            parts.AddRange(Convert.FromHexString(junk[i % junk.Length].Replace(" ", "")));
            if (i % 5 == 0) parts.Add((byte)'\n');
        }
        return [.. parts];
    }

    /// <summary>English text of at least <paramref name="length"/> bytes (alice29 repeated), cut to length.</summary>
    public static byte[] Text(int length)
    {
        var alice = Repo.Alice;
        var data = new byte[length];
        for (int i = 0; i < length; i += alice.Length) alice.AsSpan(0, Math.Min(alice.Length, length - i)).CopyTo(data.AsSpan(i));
        return data;
    }
}

internal static class Lmz1
{
    public static byte[] Compress(byte[] data, LmzCompressionOptions? options = null) => LmzCompressor.Compress(data, options ?? Options.Level1());

    public static byte[] Decompress(byte[] container, LmzDecompressionOptions? options = null) => LmzCompressor.Decompress(container, options ?? Options.Decode());

    public static byte[] RoundTrip(byte[] data, LmzCompressionOptions? options = null)
    {
        var container = Compress(data, options);
        Bytes.Equal(data, Decompress(container));
        return container;
    }

    /// <summary>The chunk lengths the documented cut rule gives: at the last '\n' in the final
    /// 4 KiB before the nominal size when one is there and more data follows, else at the size.</summary>
    public static List<int> ExpectedChunkLengths(byte[] data, int chunkSize)
    {
        var lengths = new List<int>();
        int pos = 0;
        while (data.Length - pos > chunkSize)
        {
            int windowStart = Math.Max(0, chunkSize - 4096);
            int lineBreak = data.AsSpan(pos + windowStart, chunkSize - windowStart).LastIndexOf((byte)'\n');
            int cut = lineBreak >= 0 ? windowStart + lineBreak + 1 : chunkSize;
            lengths.Add(cut);
            pos += cut;
        }
        if (data.Length > pos) lengths.Add(data.Length - pos);
        return lengths;
    }
}

/// <summary>The option records a format makes for a level, as the container would use them.</summary>
internal static class FormatSettings
{
    /// <summary>The byte model of <paramref name="level"/> in <paramref name="format"/> (default: the current one).</summary>
    public static ByteModelSettings Bytes(int level, int format = 0) =>
        (format == 0 ? Format.Current : Format.Of((byte)format)).Bytes(LevelProfile.For(level))!;
}
