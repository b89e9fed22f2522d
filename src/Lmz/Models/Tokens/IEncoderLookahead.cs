namespace Lmz.Models.Tokens;

/// <summary>
/// A model that can use the compressor's knowledge of every token of its stream in advance (the
/// network runs several positions as one step). It is told only when compressing, so it must not
/// let this change any probability: the decompressor never calls <see cref="Foresee"/>.
/// </summary>
internal interface IEncoderLookahead
{
    /// <summary>The whole stream, before its first token is coded.</summary>
    void Foresee(int[] tokens);
}
