using Lmz.Coding;
using Lmz.Container;
using Lmz.Core;
using Lmz.Formats;
using Lmz.Models.Bits;
using Lmz.Models.Tokens;
using Lmz.Models.Hybrid;
using Lmz.Network;
using Lmz.Network.Adaptive;
using Lmz.Tokenization;
using Lmz.Bundles;
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
