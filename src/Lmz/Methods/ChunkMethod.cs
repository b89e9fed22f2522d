using Lmz.Models.Hybrid;
namespace Lmz.Methods;

/// <summary>How one chunk's payload is coded (byte 0 of its record; 0 marks the end record).</summary>
internal enum ChunkMethod : byte
{
    End = 0,
    /// <summary>The original bytes, unchanged.</summary>
    Stored = 1,
    /// <summary>An LZ4 block (K4os), for data the token models cannot beat.</summary>
    Lz4 = 2,
    /// <summary>Tokens coded with the online predictors only (n-grams, bias head, mixer).</summary>
    TokenPredictors = 3,
    /// <summary>Tokens coded with the transformer in the ensemble.</summary>
    TokenNeural = 4,
    /// <summary>The bytes coded bit by bit with the byte-level context mixer (format 7 on).</summary>
    Bytes = 5,
    /// <summary>As <see cref="Bytes"/>, after <see cref="X86CallFilter"/> made x86 call targets absolute (format 7 on).</summary>
    BytesX86 = 6,
    /// <summary>
    /// Tokens coded with the transformer's ensemble over the vocabulary trie, every decision mixed
    /// with the byte-level context mixer (<see cref="HybridTokenCoder"/>; format 10 on).
    /// </summary>
    TokenHybrid = 7,
}

internal static class ChunkMethods
{
    /// <summary>Methods whose payload codes tokens (the record carries their count).</summary>
    public static bool CodesTokens(this ChunkMethod method) =>
        method is ChunkMethod.TokenPredictors or ChunkMethod.TokenNeural or ChunkMethod.TokenHybrid;

    /// <summary>Methods that code with the transformer.</summary>
    public static bool UsesTransformer(this ChunkMethod method) => method is ChunkMethod.TokenNeural or ChunkMethod.TokenHybrid;
}
