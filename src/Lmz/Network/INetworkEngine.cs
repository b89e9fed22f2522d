namespace Lmz.Network;

/// <summary>Which engine evaluates the integer network. Both compute the same integers on every CPU.</summary>
public enum NetworkEngineKind
{
    /// <summary>lmz's own C# kernels (the default: faster, see MODEL.md).</summary>
    Native,

    /// <summary>ONNX Runtime running models/lm/model.int.onnx, the reference anyone can run.</summary>
    OnnxRuntime,
}

/// <summary>
/// One stream's integer network with its key/value cache: tokens go in at the next position, and
/// the last one's outputs come out. A stream does not know which engine it runs on.
/// </summary>
internal interface INetworkEngine : IDisposable
{
    /// <summary>Tokens in the cache (the position the next token takes).</summary>
    int Length { get; }

    /// <summary>The last run's logits (units 2^-logit_bits, exact as float); overwritten by the next run.</summary>
    float[] Logits { get; }

    /// <summary>The last run's final hidden state (units 2^-hidden_bits, exact as float).</summary>
    float[] Hidden { get; }

    /// <summary>Empties the cache: the next token takes position 0.</summary>
    void Reset();

    /// <summary>Runs <paramref name="tokens"/> at positions <see cref="Length"/>.. and keeps the last one's outputs.</summary>
    void Run(ReadOnlySpan<int> tokens);

    /// <summary>
    /// Runs <paramref name="tokens"/> as <see cref="Run"/> does, but writes every row's outputs: row
    /// r's logits at [r·vocab, (r+1)·vocab) of <paramref name="logits"/>, its hidden state at
    /// [r·d, (r+1)·d) of <paramref name="hidden"/>; the same numbers as one <see cref="Run"/> per token.
    /// </summary>
    void RunRows(ReadOnlySpan<int> tokens, float[] logits, float[] hidden);
}
