using Lmz.Formats;
using Lmz.Network;
using Lmz.Bundles;

namespace Lmz.Container;

/// <summary>What the writer needs; the library's front turns its public options into this.</summary>
/// <param name="Bundle">The model bundle.</param>
/// <param name="Level">The level's profile.</param>
/// <param name="Threads">Chunks coded at once (already fitted to memory).</param>
/// <param name="Engine">The integer network's engine (speed only).</param>
/// <param name="ChunkSize">The nominal chunk size.</param>
/// <param name="DefaultChunkSize">Whether that is the default, which lets binary runs merge and lone chunks split.</param>
/// <param name="LongestChunk">The longest chunk the writer may cut.</param>
/// <param name="Progress">Receives uncompressed and compressed bytes so far.</param>
internal sealed record WriterSettings(Bundle Bundle, LevelProfile Level, int ChunkSize, bool DefaultChunkSize, int Threads,
    NetworkEngineKind Engine, int LongestChunk, Action<long, long>? Progress);

/// <summary>What the reader needs; the library's front turns its public options into this.</summary>
/// <param name="FindBundle">The bundle whose fingerprint begins with the bytes a header names.</param>
/// <param name="Threads">Chunks decoded at once, before fitting to memory.</param>
/// <param name="Engine">The integer network's engine (speed only).</param>
/// <param name="Progress">Receives uncompressed and compressed bytes so far.</param>
internal sealed record ReaderSettings(Func<byte[], Bundle> FindBundle, int Threads, NetworkEngineKind Engine, Action<long, long>? Progress);
