using Lmz.Coding;

namespace Lmz.Models.Tokens;

/// <summary>
/// A stream's complete model: codes one token with the arithmetic coder and learns it.
/// <see cref="TokenEnsemble"/> (dense mixing, any predictors including the transformer) and
/// <see cref="TokenPpmCoder"/> (candidate sets, fast) are the two kinds.
/// </summary>
internal interface ITokenCoder
{
    void Encode(ArithmeticEncoder encoder, int token);

    int Decode(ArithmeticDecoder decoder);
}
