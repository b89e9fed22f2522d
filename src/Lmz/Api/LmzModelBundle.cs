using Lmz.Bundles;
namespace Lmz;

/// <summary>
/// A model bundle: the folder of files that compressor and decompressor must share (the
/// tokenizer and, when present, the integer network and level 9's learning network). Every
/// container records its bundle's fingerprint, and decoding finds the bundle with that
/// fingerprint (<see cref="InstalledDirectories"/>).
/// </summary>
public sealed class LmzModelBundle : IDisposable
{
    /// <summary>The tokenizer's rank file; the one file every bundle has.</summary>
    public const string TokenizerFile = Bundle.TokenizerFile;
    /// <summary>The integer network's constants.</summary>
    public const string NetworkFile = Bundle.NetworkFile;
    /// <summary>The integer network's weights.</summary>
    public const string NetworkDataFile = Bundle.NetworkDataFile;
    /// <summary>The integer network as an ONNX graph (for the onnxruntime engine).</summary>
    public const string NetworkGraphFile = Bundle.NetworkGraphFile;
    /// <summary>The float network that level 9 trains as it codes.</summary>
    public const string WeightsFile = Bundle.WeightsFile;

    /// <summary>Level 9's learning rate for weights.f16; a bundle without it learns at the rate of stages 3 and 4.</summary>
    public const string LearningFile = Bundle.LearningFile;

    /// <summary>Environment variable that points lmz at another bundle directory.</summary>
    public const string DirectoryVariable = "LMZ_MODEL_DIR";

    private static readonly Lock DefaultLock = new();
    private static LmzModelBundle? _default;

    private LmzModelBundle(Bundle files) => Files = files;

    /// <summary>The loaded files, for the layers below.</summary>
    internal Bundle Files { get; }

    /// <summary>The folder the bundle was loaded from.</summary>
    public string Directory => Files.Directory;

    /// <summary>The 16 bytes every container records to name its bundle (docs/FORMAT.md).</summary>
    public byte[] Fingerprint => Files.Fingerprint;

    /// <summary><see cref="Fingerprint"/> in lower-case hex, as `lmz -l -v` prints it.</summary>
    public string FingerprintHex => Convert.ToHexStringLower(Fingerprint);

    /// <summary>Whether the bundle has the integer network that levels 4–8 need.</summary>
    public bool HasTransformer => Files.HasTransformer;

    /// <summary>Whether the bundle has the float network (weights.f16) that level 9 trains as it codes.</summary>
    public bool HasNetworkWeights => Files.HasNetworkWeights;

    /// <summary>The bundle beside the library (or in $LMZ_MODEL_DIR), loaded once per process.</summary>
    public static LmzModelBundle Default
    {
        get
        {
            lock (DefaultLock) return _default ??= Load(DefaultDirectory());
        }
    }

    /// <summary>$LMZ_MODEL_DIR if set, else models/lm beside the application (where the package puts the bundle).</summary>
    public static string DefaultDirectory() =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "models", "lm");

    /// <summary>
    /// Every directory holding a bundle that decoding searches, in its order: <paramref name="extra"/>
    /// (each a bundle or a directory of bundles), $LMZ_MODEL_DIR, the user's directory, then the
    /// bundles beside the library. A container's bundle is the first of these with its fingerprint.
    /// </summary>
    public static IEnumerable<string> InstalledDirectories(IEnumerable<string>? extra = null) => ModelCatalog.BundleDirectories(extra ?? []);

    /// <summary>Loads and fingerprints the bundle in <paramref name="directory"/>; throws <see cref="FileNotFoundException"/> without a tokenizer.</summary>
    public static LmzModelBundle Load(string directory) => new(Bundle.Load(directory));

    /// <summary>Releases the ONNX Runtime graph, if one was loaded.</summary>
    public void Dispose() => Files.Dispose();
}
