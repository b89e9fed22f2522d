using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Formats;

/// <summary>
/// Format 8: the byte model gains contexts (order 1 as histories, order 5, column, sparse, 16-bit
/// images), a weight set by how many orders have seen their context and a third APM; each byte
/// payload starts with a 5-byte header naming its row length and contexts. Binary chunks may run
/// to four chunk sizes. Frozen.
/// </summary>
internal class Format08 : Format07
{
    /// <summary>The byte model's contexts of format 8: every flag below <see cref="ByteContexts.Indirect1"/>.</summary>
    public new const ByteContexts Contexts = ByteContexts.Indirect1 - 1;

    /// <summary>Binary chunks of up to this many chunk sizes (docs/decisions/chunks.md).</summary>
    public override int MaxChunkBlocks => 4;

    public override byte Version => 8;

    public override ByteModelSettings? Bytes(LevelProfile level) =>
        new(Contexts, level.ByteTableBits, new ByteModelOptions { SeenOrdersWeightSet = true, Order2Apm = true }, HeaderBytes: 5, TableTrial: false);
}
