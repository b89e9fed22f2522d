namespace Lmz.Models.Tokens;

/// <summary>
/// One source of next-token predictions. The transformer, the n-grams and the match model all
/// share this shape: it writes a log-score for every vocabulary entry (natural-log probabilities
/// up to an additive constant; the mixer normalises), then learns the token that was coded.
/// Implementations must be deterministic: the decoder replays the same calls.
/// </summary>
internal interface ITokenPredictor
{
    /// <summary>Writes the scores of every token for the next position into <paramref name="scores"/>.</summary>
    void Predict(TokenScores scores);

    /// <summary>Appends the coded token to the history and learns from it.</summary>
    void Update(int token);
}

/// <summary>
/// A predictor's output: either dense (one score per token) or sparse (score 0 for every token
/// except the listed ones). Sparse outputs let the mixer skip a pass over the vocabulary for
/// predictors that only have an opinion on a few tokens (n-gram successors, a match).
/// </summary>
internal sealed class TokenScores(int vocabSize)
{
    private float[]? _denseSource;
    private int _denseOffset;

    /// <summary>This output's own buffer, filled after <see cref="BeginDense"/>.</summary>
    public float[] Dense { get; } = new float[vocabSize];

    public bool IsDense { get; private set; }

    /// <summary>The dense scores: <see cref="Dense"/>, or the span lent by <see cref="UseDense"/>.</summary>
    public ReadOnlySpan<float> DenseValues => IsDense ? _denseSource.AsSpan(_denseOffset, Dense.Length) : default;

    public int[] SparseTokens { get; private set; } = new int[16];

    public float[] SparseValues { get; private set; } = new float[16];

    public int SparseCount { get; private set; }

    /// <summary>Marks the output dense; the caller fills <see cref="Dense"/>.</summary>
    public Span<float> BeginDense()
    {
        IsDense = true;
        SparseCount = 0;
        (_denseSource, _denseOffset) = (Dense, 0);
        return Dense;
    }

    /// <summary>
    /// Marks the output dense with scores lent from <paramref name="source"/> at
    /// <paramref name="offset"/> (no copy). The lender must not change them until the mixer's
    /// update for this token has run.
    /// </summary>
    public void UseDense(float[] source, int offset)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, source.Length - Dense.Length);
        IsDense = true;
        SparseCount = 0;
        (_denseSource, _denseOffset) = (source, offset);
    }

    /// <summary>Marks the output sparse and empty (every token scores 0).</summary>
    public void BeginSparse()
    {
        IsDense = false;
        SparseCount = 0;
    }

    /// <summary>Adds one sparse entry; a token must be added at most once per prediction.</summary>
    public void Add(int token, float score)
    {
        if (SparseCount == SparseTokens.Length)
        {
            var tokens = SparseTokens;
            var values = SparseValues;
            Array.Resize(ref tokens, tokens.Length * 2);
            Array.Resize(ref values, values.Length * 2);
            SparseTokens = tokens;
            SparseValues = values;
        }
        SparseTokens[SparseCount] = token;
        SparseValues[SparseCount] = score;
        SparseCount++;
    }

    /// <summary>The score of one token (a linear search for sparse outputs; used once per coded token).</summary>
    public float ScoreOf(int token)
    {
        if (IsDense) return _denseSource![_denseOffset + token];
        for (int i = 0; i < SparseCount; i++) if (SparseTokens[i] == token) return SparseValues[i];
        return 0;
    }
}
