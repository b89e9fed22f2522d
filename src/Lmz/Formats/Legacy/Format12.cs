using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Formats;

/// <summary>
/// Format 12: the byte model's model of DNA at every level (<see cref="ByteContexts.Nucleotides"/>:
/// reverse-complement and long match models, counts that halve), which the encoder names for
/// chunks of nucleotides, or stationary counts alone where a trial finds they pay. Frozen.
/// </summary>
internal class Format12 : Format11
{
    public override byte Version => 12;

    public override ByteModelSettings? Bytes(LevelProfile level)
    {
        var settings = base.Bytes(level)!;
        return settings with { Contexts = settings.Contexts | ByteContexts.Nucleotides };
    }
}
