using Lmz.Coding;

namespace Lmz.Modeling;

/// <summary>
/// A stream's next-token distribution for coders that code a token their own way (the hybrid's
/// trie, <see cref="Hybrid.HybridTokenModel"/>): <see cref="Predict"/>, code the token, <see cref="Update"/>.
/// </summary>
internal interface ITokenDistribution
{
    /// <summary>The distribution of the next token (valid until <see cref="Update"/>).</summary>
    FrequencyTable Predict();

    /// <summary>Learns the token coded.</summary>
    void Update(int token);
}
