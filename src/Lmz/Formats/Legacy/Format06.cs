using Lmz.Methods;

namespace Lmz.Formats;

/// <summary>
/// Format 6, the first stable one: levels 4–8 run the integer network lmz-int8-v1 (docs/INTNET.md),
/// the same on every CPU, and the inference fingerprint names the network specification. Chunks
/// are stored, LZ4 blocks, or tokens (<see cref="ChunkMethod.TokenPredictors"/> at levels 1–3,
/// <see cref="ChunkMethod.TokenNeural"/> from 4). Fixed-width headers and records. Frozen.
/// </summary>
internal class Format06 : Format
{
    public override byte Version => 6;
}
