using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Formats;

/// <summary>
/// Format 9: the byte model's indirect contexts and a weight set by column; the encoder may leave
/// out <see cref="BytePayloadHeader.TableTrial"/> after a trial on a sample. Binary chunks may run
/// to 16 chunk sizes (levels 7–9 use them; <see cref="LevelProfile.BinaryChunkBlocks"/>). Frozen.
/// </summary>
internal class Format09 : Format08
{
    /// <summary>The byte model's contexts of format 9: every flag below <see cref="ByteContexts.WordPair"/>.</summary>
    public new const ByteContexts Contexts = ByteContexts.WordPair - 1;

    /// <summary>The byte model's switches from format 9 until the hybrid's for code.</summary>
    public static readonly ByteModelOptions Options = new() { SeenOrdersWeightSet = true, Order2Apm = true, ColumnWeightSet = true };

    public override byte Version => 9;

    public override int MaxChunkBlocks => 16;

    public override ByteModelSettings? Bytes(LevelProfile level) => new(Contexts, level.ByteTableBits, Options, HeaderBytes: 5, TableTrial: true);
}
