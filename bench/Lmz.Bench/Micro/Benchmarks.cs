using BenchmarkDotNet.Attributes;
using Lmz.Coding;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Tokens;
using Lmz.Network;

namespace Lmz.Bench.Micro;

/// <summary>Range coder cost per symbol over an 8192-symbol table with Zipf-like frequencies (decode includes the table search).</summary>
public class CoderBenchmarks
{
    private const int Symbols = 4096;
    private FrequencyTable _table = null!;
    private int[] _symbols = null!;
    private byte[] _encoded = null!;
    private readonly MemoryStream _stream = new();

    [GlobalSetup]
    public void Setup()
    {
        _table = new FrequencyTable(MicroData.Vocab);
        var w = Enumerable.Range(0, MicroData.Vocab).Select(i => 1.0 / (i + 1)).ToArray();
        _table.Build(w, w.Sum());
        var rnd = new Random(1);
        _symbols = Enumerable.Range(0, Symbols).Select(_ => _table.Find((uint)rnd.Next((int)FrequencyTable.Total))).ToArray();
        Encode();
        _encoded = _stream.ToArray();
    }

    [Benchmark(OperationsPerInvoke = Symbols, Description = "ArithmeticEncoder.Encode per symbol")]
    public long Encode()
    {
        _stream.SetLength(0);
        var encoder = new ArithmeticEncoder(_stream);
        foreach (int s in _symbols) encoder.Encode(_table.Low(s), _table.High(s));
        encoder.Finish();
        return _stream.Length;
    }

    [Benchmark(OperationsPerInvoke = Symbols, Description = "ArithmeticDecoder + Find per symbol")]
    public int Decode()
    {
        var decoder = new ArithmeticDecoder(_encoded);
        int acc = 0;
        for (int i = 0; i < Symbols; i++)
        {
            int s = _table.Find(decoder.GetTarget());
            decoder.Consume(_table.Low(s), _table.High(s));
            acc += s;
        }
        return acc;
    }
}

/// <summary>CDF construction: FrequencyTable.Build over 8192 weights.</summary>
public class FrequencyTableBenchmarks
{
    private FrequencyTable _table = null!;
    private double[] _weights = null!;
    private double _sum;

    [GlobalSetup]
    public void Setup()
    {
        _table = new FrequencyTable(MicroData.Vocab);
        _weights = MicroData.Weights(1);
        _sum = _weights.Sum();
    }

    [Benchmark(Description = "FrequencyTable.Build (8192)")]
    public uint Build()
    {
        _table.Build(_weights, _sum);
        return _table.High(MicroData.Vocab - 1);
    }
}

/// <summary>TokenNGramModel Predict + Update per token on text, after 20,000 tokens of warm-up.</summary>
public class NGramBenchmarks
{
    private const int Tokens = 1024;
    private const int Warmup = 20_000;
    private TokenNGramModel _model = null!;
    private readonly TokenScores _scores = new(MicroData.Vocab);
    private int[] _tokens = null!;
    private int _position;

    [Params(2, 5)]
    public int MaxOrder { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tokens = MicroData.Tokens;
        _model = new TokenNGramModel(MicroData.Vocab, MaxOrder);
        _position = 0;
        for (int i = 0; i < Math.Min(Warmup, _tokens.Length / 2); i++) Step();
    }

    private void Step()
    {
        _model.Predict(_scores);
        _model.Update(_tokens[_position]);
        if (++_position == _tokens.Length) _position = _tokens.Length / 2;
    }

    [Benchmark(OperationsPerInvoke = Tokens, Description = "TokenNGramModel Predict+Update per token")]
    public int PredictUpdate()
    {
        for (int i = 0; i < Tokens; i++) Step();
        return _scores.SparseCount;
    }
}

/// <summary>
/// GeometricMixer over the outputs of real predictors (order-0 dense; n-gram 2 and 5 and match sparse)
/// taken after 20,000 tokens of text: Mix alone, and Mix + Update (one coded token).
/// </summary>
public class MixerBenchmarks
{
    private GeometricMixer _mixer = null!;
    private TokenScores[] _scores = null!;
    private int[] _tokens = null!;
    private int _position;

    /// <summary>3: order-0 (dense), n-gram 5, match; 4: adds n-gram 2.</summary>
    [Params(3, 4)]
    public int Inputs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tokens = MicroData.Tokens;
        ITokenPredictor[] predictors = Inputs == 3
            ? [new OrderZeroModel(MicroData.Vocab), new TokenNGramModel(MicroData.Vocab, 5), new MatchModel(MicroData.Vocab)]
            : [new OrderZeroModel(MicroData.Vocab), new TokenNGramModel(MicroData.Vocab, 2), new TokenNGramModel(MicroData.Vocab, 5), new MatchModel(MicroData.Vocab)];
        _scores = predictors.Select(_ => new TokenScores(MicroData.Vocab)).ToArray();
        int warm = Math.Min(20_000, _tokens.Length - 1);
        for (int i = 0; i < warm; i++)
        {
            for (int j = 0; j < predictors.Length; j++) predictors[j].Predict(_scores[j]);
            foreach (var p in predictors) p.Update(_tokens[i]);
        }
        for (int j = 0; j < predictors.Length; j++) predictors[j].Predict(_scores[j]);
        var settings = new MixerSettings();
        _mixer = new GeometricMixer(MicroData.Vocab, Inputs, 6, settings.InitialWeight / Inputs, settings.WeightRate, settings.BiasRate);
        _position = warm;
    }

    [Benchmark(Description = "GeometricMixer.Mix")]
    public double Mix()
    {
        _mixer.Mix(_scores, 1);
        return _mixer.Sum;
    }

    [Benchmark(Description = "GeometricMixer.Mix + Update")]
    public double MixUpdate()
    {
        _mixer.Mix(_scores, 1);
        _mixer.Update(_scores, _tokens[_position]);
        if (++_position == _tokens.Length) _position = 0;
        return _mixer.Sum;
    }
}

/// <summary>
/// A stream's whole coding model per token (TokenCoderFactory.Create: predictors, mixer, CDF and the range
/// coder, output discarded) after 20,000 tokens of warm-up; level 1 and 3 (no transformer).
/// </summary>
public class CodingModelBenchmarks
{
    private const int Tokens = 256;
    private ITokenCoder _model = null!;
    private readonly ArithmeticEncoder _encoder = new(Stream.Null);
    private int[] _tokens = null!;
    private int _position;

    [Params(1, 3)]
    public int Level { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tokens = MicroData.Tokens;
        _model = TokenCoderFactory.Create(LevelProfile.For(Level).Tokens, MicroData.Vocab, null);
        _position = 0;
        for (int i = 0; i < Math.Min(20_000, _tokens.Length / 2); i++) Step();
    }

    private void Step()
    {
        _model.Encode(_encoder, _tokens[_position]);
        if (++_position == _tokens.Length) _position = _tokens.Length / 2;
    }

    [Benchmark(OperationsPerInvoke = Tokens, Description = "TokenCoderFactory model Encode per token")]
    public int Encode()
    {
        for (int i = 0; i < Tokens; i++) Step();
        return _position;
    }
}

/// <summary>One step of the integer network at batch 1 on one thread, per engine; re-primes are amortised in.</summary>
public class NetworkStepBenchmarks
{
    private NetworkWindow _window = null!;
    private int _position;

    [Params("native", "native-avx2", "native-vector128", "onnxruntime")]
    public string Engine { get; set; } = "native";

    [GlobalSetup]
    public void Setup()
    {
        var bundle = LmzModelBundle.Default;
        var spec = bundle.Files.NetworkSpec;
        INetworkEngine engine = Engine switch
        {
            "onnxruntime" => bundle.Files.CreateNetworkEngine(NetworkEngineKind.OnnxRuntime),
            "native-avx2" => new NativeIntegerEngine(bundle.Files.IntegerWeights, KernelPath.Avx2),
            "native-vector128" => new NativeIntegerEngine(bundle.Files.IntegerWeights, KernelPath.Vector128),
            _ => bundle.Files.CreateNetworkEngine(NetworkEngineKind.Native),
        };
        _window = new NetworkWindow(engine, spec, spec.Context * LevelProfile.For(LmzCompressionOptions.DefaultLevel).KeptContextEighths / 8);
        _window.Step(0, 0);
        _position = 1;
    }

    [Benchmark(Description = "NetworkWindow.Step")]
    public void Step() => _window.Step(MicroData.Tokens[_position % MicroData.Tokens.Length], _position++);

    [GlobalCleanup]
    public void Cleanup() => _window.Dispose();
}
