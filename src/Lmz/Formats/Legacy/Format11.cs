using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Formats;

/// <summary>
/// Format 11: at the levels with a network the byte model may name the contexts for text
/// (<see cref="ByteContexts.ForText"/>: orders 8–24, the word pair, nesting and the line above), so
/// a byte payload's header holds 32 bits of context flags (6 bytes). Frozen.
/// </summary>
internal class Format11 : Format10
{
    public override byte Version => 11;

    public override ByteModelSettings? Bytes(LevelProfile level) => base.Bytes(level)! with
    {
        Contexts = level.UsesNetwork ? Format09.Contexts | ByteContexts.ForText : Format09.Contexts,
        HeaderBytes = 6,
    };
}
