using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Formats;

/// <summary>
/// Format 7: chunk methods 5 and 6, bytes coded bit by bit with the byte-level context mixer
/// (<see cref="ByteModel"/>), 6 after the x86 call filter. The byte model's first context set, no
/// payload header. Frozen.
/// </summary>
internal class Format07 : Format06
{
    /// <summary>The byte model's contexts of format 7: every flag below <see cref="ByteContexts.Order1"/>.</summary>
    public const ByteContexts Contexts = ByteContexts.Order1 - 1;

    public override byte Version => 7;

    public override ChunkMethod NewestMethod => ChunkMethod.BytesX86;

    public override ByteModelSettings? Bytes(LevelProfile level) => new(Contexts, level.ByteTableBits, new ByteModelOptions(), HeaderBytes: 0, TableTrial: false);
}
