using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Models.Hybrid;

namespace Lmz.Formats;

/// <summary>
/// Format 10: chunk method 7, text tokens coded over the vocabulary trie, every decision mixed with
/// a byte model (<see cref="HybridTokenCoder"/>), for text. Frozen.
/// </summary>
internal class Format10 : Format09
{
    /// <summary>
    /// The hybrid's byte contexts for text: format 9's less orders 4–6, the 16-bit image contexts
    /// (they need a row length) and the record contexts, plus the word pair, the bracket nesting and
    /// the byte above (docs/decisions/hybrid.md).
    /// </summary>
    public const ByteContexts HybridContexts = (Format09.Contexts & ~(ByteContexts.Order4 | ByteContexts.Order5 | ByteContexts.Order6
        | ByteContexts.Image16Gradient | ByteContexts.Image16Neighbours
        | ByteContexts.RecordColumn | ByteContexts.RecordAboveLeft | ByteContexts.RecordNeighbours | ByteContexts.Pixels))
        | ByteContexts.WordPair | ByteContexts.Nesting | ByteContexts.Above;

    public override byte Version => 10;

    public override ChunkMethod NewestMethod => ChunkMethod.TokenHybrid;

    public override ChunkMethod TextMethod => ChunkMethod.TokenHybrid;

    public override HybridOptions? Hybrid(LevelProfile level) => new(HybridContexts, Format09.Options, ForCode: false);
}
