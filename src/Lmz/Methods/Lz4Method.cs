using K4os.Compression.LZ4;

namespace Lmz.Methods;

/// <summary>An LZ4 block (K4os, high-compression level 9): random-looking data skips the models for it.</summary>
internal sealed class Lz4Method : IChunkMethod
{
    public static readonly Lz4Method Instance = new();

    public ChunkMethod Id => ChunkMethod.Lz4;

    /// <summary>The block, or the chunk itself when LZ4 cannot code it (the caller keeps the smallest payload).</summary>
    public byte[] Encode(byte[] chunk, Action<long>? progress)
    {
        var target = new byte[LZ4Codec.MaximumOutputSize(chunk.Length)];
        int n = LZ4Codec.Encode(chunk, target, LZ4Level.L09_HC);
        return n <= 0 ? chunk : target[..n];
    }

    public byte[] Decode(byte[] payload, int length, Action<long>? progress)
    {
        var bytes = new byte[length];
        int n = LZ4Codec.Decode(payload, bytes);
        return n == length ? bytes : throw new InvalidDataException("LZ4 block does not decode to the recorded length");
    }
}
