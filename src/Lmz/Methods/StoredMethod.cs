namespace Lmz.Methods;

/// <summary>The chunk as it is: for data nothing else makes smaller.</summary>
internal sealed class StoredMethod : IChunkMethod
{
    public static readonly StoredMethod Instance = new();

    public ChunkMethod Id => ChunkMethod.Stored;

    public byte[] Encode(byte[] chunk, Action<long>? progress) => chunk;

    public byte[] Decode(byte[] payload, int length, Action<long>? progress) =>
        payload.Length == length ? payload : throw new InvalidDataException("stored length mismatch");
}
