using System.Collections.Concurrent;

namespace Lmz;

/// <summary>
/// The model bundles this lmz can decode with. A container names its bundle by fingerprint, so
/// when a later lmz ships a new default bundle the old one stays installable beside it and its
/// files still decode. Searched in order, each place being a bundle directory or a directory of
/// bundle directories: the caller's directories (the CLI's --model-dir), $LMZ_MODEL_DIR, the
/// user's directory (<see cref="UserDirectory"/>), and the bundles shipped beside the library
/// (models/lm and the other folders of models/). A bundle is hashed only when needed.
/// </summary>
internal static class ModelCatalog
{
    private static readonly ConcurrentDictionary<string, LmzModelBundle> Loaded = new(StringComparer.Ordinal);

    /// <summary>$XDG_DATA_HOME/lmz/models, else ~/.local/share/lmz/models (on Windows, %LOCALAPPDATA%\lmz\models).</summary>
    public static string UserDirectory
    {
        get
        {
            string? data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data))
                data = OperatingSystem.IsWindows()
                    ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return Path.Combine(data, "lmz", "models");
        }
    }

    /// <summary>Every directory that holds a bundle, in search order, without repeats.</summary>
    public static IEnumerable<string> BundleDirectories(IEnumerable<string> extra)
    {
        var roots = new List<string>(extra);
        if (Environment.GetEnvironmentVariable(LmzModelBundle.DirectoryVariable) is { Length: > 0 } env) roots.Add(env);
        roots.Add(UserDirectory);
        roots.Add(Path.GetDirectoryName(LmzModelBundle.DefaultDirectory())!);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) continue;
            var candidates = new List<string> { root };
            try { candidates.AddRange(Directory.GetDirectories(root).Order(StringComparer.Ordinal)); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            foreach (var dir in candidates)
                if (File.Exists(Path.Combine(dir, LmzModelBundle.TokenizerFile)) && seen.Add(Path.GetFullPath(dir))) yield return dir;
        }
    }

    /// <summary>
    /// The bundle whose fingerprint is <paramref name="fingerprint"/>: <paramref name="preferred"/>
    /// or the default bundle when they match, else the first match in <see cref="BundleDirectories"/>.
    /// A file names the first 16 bytes of a bundle's fingerprint (formats 6–12) or the first 8 (from 13).
    /// </summary>
    public static LmzModelBundle Find(byte[] fingerprint, LmzModelBundle? preferred, IReadOnlyList<string> extra)
    {
        if (preferred != null && preferred.Fingerprint.AsSpan().StartsWith(fingerprint)) return preferred;
        LmzModelBundle? fallback = null;
        if (preferred == null && File.Exists(Path.Combine(LmzModelBundle.DefaultDirectory(), LmzModelBundle.TokenizerFile)))
        {
            fallback = LmzModelBundle.Default;
            if (fallback.Fingerprint.AsSpan().StartsWith(fingerprint)) return fallback;
        }
        var searched = new List<string>();
        foreach (var dir in BundleDirectories(extra))
        {
            searched.Add(dir);
            var bundle = Loaded.GetOrAdd(Path.GetFullPath(dir), LmzModelBundle.Load);
            if (bundle.Fingerprint.AsSpan().StartsWith(fingerprint)) return bundle;
        }
        throw new InvalidDataException(
            $"the file was compressed with model bundle {Convert.ToHexStringLower(fingerprint)}, which is not installed here " +
            $"(searched {(searched.Count == 0 ? "no bundle directories" : string.Join(", ", searched))}); " +
            $"put that bundle in a folder under {UserDirectory} or pass --model-dir");
    }
}
