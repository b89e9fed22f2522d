using Lmz.Coding;
using Lmz.Container;
using Lmz.Core;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Models.Hybrid;
using Lmz.Network;
using Lmz.Network.Adaptive;
using Lmz.Tokenization;
using Lmz.Bundles;

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
