using Lmz.Coding;
using Lmz.Models.Hybrid;

namespace Lmz.Models.Tokens;

/// <summary>
/// A stream's next-token distribution for coders that code a token their own way (the hybrid's
/// trie, <see cref="HybridTokenCoder"/>): <see cref="Predict"/>, code the token, <see cref="Update"/>.
/// </summary>
internal interface ITokenDistribution
{
    /// <summary>The distribution of the next token (valid until <see cref="Update"/>).</summary>
    FrequencyTable Predict();

    /// <summary>Learns the token coded.</summary>
    void Update(int token);
}
