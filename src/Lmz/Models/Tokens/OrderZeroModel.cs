using Lmz.Core;
namespace Lmz.Models.Tokens;

/// <summary>
/// Token frequencies of the stream so far (counts plus <see cref="TokenNGramModel.Prior"/>),
/// as dense log-scores: the base the n-gram's sparse boosts stand on. Lends its array to the
/// mixer; <see cref="Update"/> runs after the mixer's update, as the lending rule asks.
/// </summary>
internal sealed class OrderZeroModel : ITokenPredictor
{
    private readonly int[] _counts;
    private readonly float[] _logScores;

    public OrderZeroModel(int vocabSize)
    {
        _counts = new int[vocabSize];
        _logScores = new float[vocabSize];
        _logScores.AsSpan().Fill((float)FixedMath.Log(TokenNGramModel.Prior));
    }

    public void Predict(TokenScores scores) => scores.UseDense(_logScores, 0);

    public void Update(int token)
    {
        _counts[token]++;
        _logScores[token] = (float)FixedMath.Log(_counts[token] + TokenNGramModel.Prior);
    }
}
