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
/// A stream's complete model: codes one token with the arithmetic coder and learns it.
/// <see cref="TokenEnsemble"/> (dense mixing, any predictors including the transformer) and
/// <see cref="TokenPpmCoder"/> (candidate sets, fast) are the two kinds.
/// </summary>
public interface ITokenCoder
{
    void Encode(ArithmeticEncoder encoder, int token);

    int Decode(ArithmeticDecoder decoder);
}
