using Lmz.Coding;

namespace Lmz.Modeling;

/// <summary>
/// A stream's complete model: codes one token with the arithmetic coder and learns it.
/// <see cref="TokenEnsemble"/> (dense mixing, any predictors including the transformer) and
/// <see cref="TokenPpmModel"/> (candidate sets, fast) are the two kinds.
/// </summary>
public interface ITokenCodingModel
{
    void Encode(ArithmeticEncoder encoder, int token);

    int Decode(ArithmeticDecoder decoder);
}
