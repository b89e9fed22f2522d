using Lmz.Models.Bits;

namespace Lmz.Models.Hybrid;

/// <summary>
/// The hybrid's switches (<see cref="HybridDecisionModel"/>), set by the format in use
/// (src/Lmz/Formats): its byte model's contexts and options, and whether it is made for code.
/// </summary>
/// <param name="Contexts">The byte model's hashed contexts.</param>
/// <param name="Bytes">The byte model's options.</param>
/// <param name="ForCode">
/// Made for code: both mixers get a weight set by <see cref="CodeLayout.Selector"/>, the depth's
/// weight set also by the match state, "end here" decisions get <see cref="EndContexts"/>, and a
/// third APM by the layout's selector follows.
/// </param>
internal sealed record HybridOptions(ByteContexts Contexts, ByteModelOptions Bytes, bool ForCode);
