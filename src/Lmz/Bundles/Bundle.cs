using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;
using Lmz.Models.Hybrid;
using Lmz.Network;
using Lmz.Network.Adaptive;
using Lmz.Tokenization;

namespace Lmz.Bundles;

/// <summary>
/// A loaded model bundle: the files both sides must share, read on first use. The tokenizer's rank
/// file and, when present, the integer network (model.int.json, model.int.data, model.int.onnx)
/// and the float network level 9 trains (weights.f16) with, optionally, the rate it learns at
/// (learning.json). Its fingerprint (SHA-256 over every file's name, length and bytes, first 16
/// bytes) is written into each container and checked before decoding. The public face is
/// <see cref="LmzModelBundle"/>.
/// </summary>
internal sealed class Bundle : IDisposable
{
    public const string TokenizerFile = "tokenizer.tiktoken";
    public const string NetworkFile = IntegerNetworkSpec.FileName;
    public const string NetworkDataFile = IntegerNetworkSpec.DataFile;
    public const string NetworkGraphFile = IntegerNetworkSpec.GraphFile;
    public const string WeightsFile = NetworkWeights.FileName;
    public const string LearningFile = LearningSettings.FileName;

    /// <summary>Bytes of the fingerprint kept: the first 16 of the SHA-256.</summary>
    public const int FingerprintSize = 16;

    private IntegerNetworkSpec? _spec;
    private IntegerNetworkWeights? _integerWeights;
    private InferenceSession? _graph;
    private NetworkWeights? _weights;
    private readonly Lock _loadLock = new();

    private Bundle(string directory, LmzTokenizer tokenizer, byte[] fingerprint, bool hasTransformer, bool hasWeights, LearningSettings learning)
    {
        Learning = learning;
        HasNetworkWeights = hasWeights;
        Directory = directory;
        Tokenizer = tokenizer;
        Fingerprint = fingerprint;
        HasTransformer = hasTransformer;
    }

    public string Directory { get; }

    public LmzTokenizer Tokenizer { get; }

    /// <summary>The tokenizer's vocabulary ordered by spelling, for the hybrid coding of text (built on first use).</summary>
    public TokenTrie Trie => _trie ??= new TokenTrie(Tokenizer);
    private TokenTrie? _trie;

    public byte[] Fingerprint { get; }

    public bool HasTransformer { get; }

    public bool HasNetworkWeights { get; }

    /// <summary>The integer network's constants (model.int.json), read on first use.</summary>
    public IntegerNetworkSpec NetworkSpec
    {
        get
        {
            if (!HasTransformer) throw new InvalidOperationException($"the model bundle in {Directory} has no {NetworkFile}");
            lock (_loadLock) return _spec ??= IntegerNetworkSpec.Read(Path.Combine(Directory, NetworkFile));
        }
    }

    /// <summary>
    /// A new network for one stream on the chosen engine. The native engine's weights (~10 MB) and
    /// ORT's loaded graph are loaded once and shared by every stream.
    /// </summary>
    public INetworkEngine CreateNetworkEngine(NetworkEngineKind kind)
    {
        var spec = NetworkSpec;
        if (spec.VocabSize != Tokenizer.VocabSize) throw new InvalidDataException($"the network's vocabulary ({spec.VocabSize}) is not the tokenizer's ({Tokenizer.VocabSize})");
        if (kind == NetworkEngineKind.OnnxRuntime)
        {
            lock (_loadLock) _graph ??= OrtIntegerEngine.LoadGraph(Path.Combine(Directory, NetworkGraphFile));
            return new OrtIntegerEngine(spec, _graph);
        }
        return new NativeIntegerEngine(IntegerWeights, Int8Kernels.Best);
    }

    /// <summary>The native engine's weights (model.int.data), loaded on first use and shared.</summary>
    public IntegerNetworkWeights IntegerWeights
    {
        get
        {
            var spec = NetworkSpec;
            lock (_loadLock) return _integerWeights ??= IntegerNetworkWeights.Load(spec, Path.Combine(Directory, NetworkDataFile));
        }
    }

    /// <summary>The float network of weights.f16, loaded on first use; level 9 streams each clone it.</summary>
    public NetworkWeights NetworkWeights
    {
        get
        {
            if (!HasNetworkWeights) throw new InvalidOperationException($"the model bundle in {Directory} has no {WeightsFile}, which level 9 needs");
            lock (_loadLock) return _weights ??= NetworkWeights.Load(Path.Combine(Directory, WeightsFile));
        }
    }

    /// <summary>How level 9's network learns (learning.json, read and checked when the bundle loads).</summary>
    public LearningSettings Learning { get; }

    /// <summary>Loads and fingerprints the bundle in <paramref name="directory"/>; throws <see cref="FileNotFoundException"/> without a tokenizer.</summary>
    public static Bundle Load(string directory)
    {
        string tokenizerPath = Path.Combine(directory, TokenizerFile);
        if (!File.Exists(tokenizerPath)) throw new FileNotFoundException($"model bundle not found: {tokenizerPath} is missing", tokenizerPath);
        string[] network = [NetworkFile, NetworkDataFile, NetworkGraphFile];
        bool hasTransformer = network.All(f => File.Exists(Path.Combine(directory, f)));
        bool hasWeights = File.Exists(Path.Combine(directory, WeightsFile));
        string[] files = hasTransformer ? [TokenizerFile, .. network] : [TokenizerFile];
        if (hasWeights) files = [.. files, WeightsFile];
        // Hashed only when present, so the fingerprints of bundles made before it stay as they were.
        string learningPath = Path.Combine(directory, LearningFile);
        bool hasLearning = File.Exists(learningPath);
        if (hasLearning) files = [.. files, LearningFile];
        // Hashing 21 MB and reading the tokenizer take about as long: one on the thread pool.
        var hashing = Task.Run(() => Hash(directory, files));
        var learning = hasLearning ? LearningSettings.Read(learningPath) : LearningSettings.Default;
        var tokenizer = LmzTokenizer.Load(tokenizerPath);
        return new Bundle(directory, tokenizer, hashing.GetAwaiter().GetResult(), hasTransformer, hasWeights, learning);
    }

    private static byte[] Hash(string directory, string[] files)
    {
        // Read through one pooled buffer: reading each file whole into a fresh array faulted in
        // 21 MB of new pages on every run (docs/decisions/speed.md).
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            foreach (var name in files)
            {
                using var file = new FileStream(Path.Combine(directory, name), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
                sha.AppendData(Encoding.UTF8.GetBytes($"{name}\n{file.Length}\n"));
                long left = file.Length;
                while (left > 0)
                {
                    int read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0) throw new EndOfStreamException($"{name} shrank while it was read");
                    sha.AppendData(buffer, 0, read);
                    left -= read;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return sha.GetHashAndReset()[..FingerprintSize];
    }

    /// <summary>
    /// Starts loading the native engine's weights on the thread pool, so that the load overlaps
    /// the tokenizing instead of holding up the first stream (about 0.1 s). A failure is left for
    /// the first real use, which loads again and reports it.
    /// </summary>
    public void BeginLoadingIntegerWeights()
    {
        if (!HasTransformer || Volatile.Read(ref _integerWeights) != null) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ =>
        {
            try { _ = IntegerWeights; }
            catch (Exception) { } // on a pool thread an exception would end the process; the real use reports it
        }, null);
    }

    /// <summary>Releases the ONNX Runtime graph, if one was loaded.</summary>
    public void Dispose() => _graph?.Dispose();
}
