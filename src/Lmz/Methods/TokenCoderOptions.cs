using Lmz.Formats;
namespace Lmz.Methods;

/// <summary>Which network codes a level's text.</summary>
internal enum TokenNetwork
{
    /// <summary>No network: the online predictors alone.</summary>
    None,

    /// <summary>The fixed integer network lmz-int8-v1 (docs/INTNET.md).</summary>
    Integer,

    /// <summary>The float network of weights.f16, which keeps learning the stream (dynamic evaluation).</summary>
    Learning,
}

/// <summary>
/// How a token stream is coded, as the level in use says (src/Lmz/Formats/LevelProfile.cs, where
/// each field's measurements are).
/// </summary>
/// <param name="CandidateSets">The PPM-style candidate-set coder instead of the dense ensemble.</param>
/// <param name="NGramOrders">Highest order of each token n-gram model.</param>
/// <param name="Network">The network in front of the ensemble.</param>
/// <param name="AdapterRank">Rank of the hidden-state adapter (0: none).</param>
/// <param name="KeptContextEighths">Eighths of the integer network's window kept when it re-primes.</param>
internal sealed record TokenCoderOptions(bool CandidateSets, int[] NGramOrders, TokenNetwork Network, int AdapterRank, int KeptContextEighths);
