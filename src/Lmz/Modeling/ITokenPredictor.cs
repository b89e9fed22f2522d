namespace Lmz.Modeling;

/// <summary>
/// One source of next-token predictions. The n-gram model, the transformer and any later model
/// share this shape: it writes a log-score for every vocabulary entry (natural-log probabilities
/// up to an additive constant; the mixer normalises), then learns the token that was coded.
/// Implementations must be deterministic: the decoder replays the same calls.
/// </summary>
public interface ITokenPredictor
{
    /// <summary>Writes the log-score of every token for the next position.</summary>
    void Predict(Span<float> logScores);

    /// <summary>Appends the coded token to the history and learns from it.</summary>
    void Update(int token);
}
