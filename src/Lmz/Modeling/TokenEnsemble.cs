using Lmz.Coding;

namespace Lmz.Modeling;

/// <summary>
/// The predictors of one stream, mixed into the 24-bit frequency table the coder uses.
/// Encoder and decoder drive it identically: <see cref="Predict"/>, code one token, <see cref="Update"/>.
/// </summary>
public sealed class TokenEnsemble : ITokenCodingModel
{
    private readonly ITokenPredictor[] _predictors;
    private readonly TokenScores[] _scores;
    private readonly GeometricMixer _mixer;
    private readonly TokenNGramModel? _contextSource;
    private readonly FrequencyTable _table;

    public TokenEnsemble(int vocabSize, IReadOnlyList<ITokenPredictor> predictors, MixerSettings settings)
    {
        _predictors = [.. predictors];
        _scores = new TokenScores[_predictors.Length];
        for (int j = 0; j < _scores.Length; j++) _scores[j] = new TokenScores(vocabSize);
        _contextSource = _predictors.OfType<TokenNGramModel>().LastOrDefault();
        int weightSets = (_contextSource?.MaxOrder ?? 0) + 1;
        _mixer = new GeometricMixer(vocabSize, _predictors.Length, weightSets,
            settings.InitialWeight / _predictors.Length, settings.WeightRate, settings.BiasRate);
        _table = new FrequencyTable(vocabSize);
    }

    public GeometricMixer Mixer => _mixer;

    public FrequencyTable Predict()
    {
        for (int j = 0; j < _predictors.Length; j++) _predictors[j].Predict(_scores[j]);
        int weightSet = _contextSource?.LastMatchedOrder ?? 0;
        _mixer.Mix(_scores, weightSet);
        _table.Build(_mixer.Probabilities, _mixer.Sum);
        return _table;
    }

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        var table = Predict();
        encoder.Encode(table.Low(token), table.High(token));
        Update(token);
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        var table = Predict();
        int token = table.Find(decoder.GetTarget());
        decoder.Consume(table.Low(token), table.High(token));
        Update(token);
        return token;
    }

    public void Update(int token)
    {
        _mixer.Update(_scores, token);
        foreach (var predictor in _predictors) predictor.Update(token);
    }
}

/// <summary>
/// Learning rates of <see cref="GeometricMixer"/>. Defaults measured with `bench ablate` on the
/// first 12 KB of alice29.txt, paper2 and asyoulik.txt with the transformer (about 1% fewer bits
/// than 1.0 / 0.002 / 0.05) and on whole alice29.txt and obj2 without it.
/// </summary>
public sealed record MixerSettings
{
    /// <summary>Sum of the initial weights, split evenly over the inputs.</summary>
    public double InitialWeight { get; init; } = 2.0;

    public double WeightRate { get; init; } = 0.005;

    public double BiasRate { get; init; } = 0.1;
}
