using Lmz.Coding;

namespace Lmz.Models.Tokens;

/// <summary>
/// The predictors of one stream, mixed into the 24-bit frequency table the coder uses.
/// Encoder and decoder drive it identically: <see cref="Predict"/>, code one token, <see cref="Update"/>.
/// </summary>
internal sealed class TokenEnsemble : ITokenCoder, ITokenDistribution
{
    private readonly ITokenPredictor[] _predictors;
    private readonly TokenScores[] _scores;
    private readonly GeometricMixer _mixer;
    private readonly TokenNGramModel? _contextSource;
    private readonly MatchModel? _match;
    private readonly TopTokenApm? _apm;
    private readonly FrequencyTable _table;
    private readonly HiddenStateAdapter? _adapter;
    private readonly IHiddenStateSource? _hiddenSource;
    private readonly float[]? _correction;

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
        _match = _predictors.OfType<MatchModel>().FirstOrDefault();
        if (settings.TopTokenApm)
            _apm = new TopTokenApm(weightSets * MatchBuckets * 2) { InputShare = settings.ApmInputShare };
        _hiddenSource = _predictors.OfType<IHiddenStateSource>().FirstOrDefault();
        if (settings.AdapterRank > 0 && _hiddenSource != null)
        {
            _adapter = new HiddenStateAdapter(vocabSize, _hiddenSource.HiddenSize, settings.AdapterRank, settings.AdapterRate);
            _correction = new float[vocabSize];
        }
    }

    private const int MatchBuckets = 4;

    public GeometricMixer Mixer => _mixer;

    public FrequencyTable Predict()
    {
        for (int j = 0; j < _predictors.Length; j++) _predictors[j].Predict(_scores[j]);
        int weightSet = _contextSource?.LastMatchedOrder ?? 0;
        if (_adapter != null)
        {
            _adapter.Correction(_hiddenSource!.Hidden, _mixer.Probabilities, _correction);
            _mixer.Mix(_scores, weightSet, _correction);
        }
        else _mixer.Mix(_scores, weightSet);
        if (_apm == null)
        {
            _table.Build(_mixer.Probabilities, _mixer.Sum);
            return _table;
        }
        int best = _mixer.Top;
        double top = _mixer.Probabilities[best], sum = _mixer.Sum;
        double refined = _apm.Refine(top, sum, ApmContext(weightSet, best));
        _table.Build(_mixer.Probabilities, sum - top + refined, best, refined);
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

    /// <summary>n-gram order matched × match-length bucket × whether the match predicts the top token.</summary>
    private int ApmContext(int order, int top)
    {
        if (_match == null || _match.Predicted < 0) return order * MatchBuckets * 2;
        int length = _match.MatchLength;
        int bucket = length < 4 ? 1 : length < 16 ? 2 : 3;
        int agrees = _match.Predicted == top ? 1 : 0;
        return (order * MatchBuckets + bucket) * 2 + agrees;
    }

    public void Update(int token)
    {
        _apm?.Update(token == _mixer.Top); // Top stays that of the last Mix until the next one
        _mixer.Update(_scores, token);
        _adapter?.Learn(token, 1.0 / _mixer.Sum);
        foreach (var predictor in _predictors) predictor.Update(token);
    }
}

/// <summary>
/// Learning rates of <see cref="GeometricMixer"/> and the top-token APM. Weight and bias rates
/// re-measured with `bench ablate` for the int8 two-stage model on alice29.txt, asyoulik.txt,
/// paper1 and progc: 0.0025 / 0.2 code those 0.2–0.7% smaller than the earlier 0.005 / 0.1 (a
/// bias rate of 0.3 helps paper1 and progc and costs the prose). Initial weight sum 2.0 still
/// measured best (1.5 and 3 both lose up to 0.1%).
/// </summary>
internal sealed record MixerSettings
{
    /// <summary>Sum of the initial weights, split evenly over the inputs.</summary>
    public double InitialWeight { get; init; } = 2.0;

    public double WeightRate { get; init; } = 0.0025;

    public double BiasRate { get; init; } = 0.2;

    /// <summary>Refine the top token's probability with a <see cref="Lmz.Models.Tokens.TopTokenApm"/>.</summary>
    public bool TopTokenApm { get; init; } = true;

    /// <summary>Share of the mixer's own probability in the refined one, out of 4.</summary>
    public int ApmInputShare { get; init; } = 2;

    /// <summary>Rank of the <see cref="HiddenStateAdapter"/> (0: none; needs a predictor that shows its hidden state).</summary>
    public int AdapterRank { get; init; }

    /// <summary>
    /// Learning rate of the adapter's planes. `bench ablate` on the nine issue-5 files: 0.2 beat
    /// 0.1 and 0.03 at rank 8 (alice29.txt 1.6490 / 1.6497 / 1.6542 bpb); 0.3 ties 0.2 at rank 16.
    /// </summary>
    public double AdapterRate { get; init; } = 0.2;
}
