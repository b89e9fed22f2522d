using Lmz.Models.Bits;
using Lmz.Models.Hybrid;

namespace Lmz.Formats;

/// <summary>
/// Format 14: the hybrid made for code. Its byte model takes the code contexts
/// (<see cref="CodeLayout"/>), an input per context while its history is one-sided, a weight set by
/// the layout, faster learning and short matches; the hybrid's mixers get a weight set by the
/// layout and "end here" decisions their own context models (docs/decisions/hybrid.md). Frozen.
/// </summary>
internal class Format14 : Format13
{
    /// <summary>The hybrid's byte contexts for code: format 10's less orders 2 and 3, plus the code contexts (docs/decisions/hybrid.md).</summary>
    public new const ByteContexts HybridContexts = (Format10.HybridContexts & ~(ByteContexts.Order2 | ByteContexts.Order3)) | ByteContexts.CodeContexts;

    /// <summary>The hybrid's byte model switches.</summary>
    public static readonly ByteModelOptions HybridByteOptions = Format09.Options with
    {
        OneSidedInputs = true, LayoutWeightSet = true, FastLearning = true, ShortMatches = true,
    };

    public override byte Version => 14;

    public override HybridOptions? Hybrid(LevelProfile level) => new(HybridContexts, HybridByteOptions, ForCode: true);
}
