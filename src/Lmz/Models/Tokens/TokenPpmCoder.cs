using Lmz.Coding;
using Lmz.Core;

namespace Lmz.Models.Tokens;

/// <summary>
/// The fast model of level 1: instead of a distribution over the whole vocabulary it codes each
/// token in two steps, PPM-style. First among the candidate set S (the successors its n-gram
/// contexts have seen, plus the match model's guess) and an escape, with the n-gram blend and
/// the match boost mixed geometrically over S only, weights learned online; on escape, the token
/// is coded from an adaptive order-0 table with S excluded. Work per token grows with |S|, not
/// with the vocabulary, which is what makes level 1 several times faster than the ensembles.
/// </summary>
internal sealed class TokenPpmCoder : ITokenCoder
{
    private const uint CountStep = 16;      // order-0 increment; the initial frequency 1 is the prior
    private const uint TreeLimit = 1u << 23; // keep the order-0 total well under 2^24
    private const double WeightRate = 0.002;

    private readonly TokenNGramModel _ngram;
    private readonly MatchModel _match;
    private readonly CumulativeFrequencyTree _orderZero;
    private readonly FrequencyTable _table;
    private readonly TokenScores _matchScores;
    private readonly List<int> _candidates = [];
    private readonly List<double> _blend = [];
    private readonly double[] _mixed;
    private readonly double[] _logBlend; // ln of each candidate's blend (escape last), reused by Learn
    private readonly double[] _weights = [1.0, 0.5];
    private readonly int _vocabSize;
    private double _escapeBlend;
    private int _matchToken;
    private float _matchBoost;

    public TokenPpmCoder(int vocabSize, int maxOrder)
    {
        _vocabSize = vocabSize;
        _ngram = new TokenNGramModel(vocabSize, maxOrder);
        _match = new MatchModel(vocabSize);
        _orderZero = new CumulativeFrequencyTree(vocabSize, 1);
        _table = new FrequencyTable(vocabSize + 1);
        _matchScores = new TokenScores(vocabSize);
        _mixed = new double[vocabSize + 1];
        _logBlend = new double[vocabSize + 1];
    }

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        int count = Predict();
        int index = _candidates.IndexOf(token);
        int symbol = index >= 0 ? index : count - 1;
        encoder.Encode(_table.Low(symbol), _table.High(symbol));
        if (index < 0)
        {
            uint excludedBelow = 0, excluded = 0;
            foreach (int s in _candidates)
            {
                uint f = _orderZero.Frequency(s);
                excluded += f;
                if (s < token) excludedBelow += f;
            }
            uint low = _orderZero.CumulativeBelow(token) - excludedBelow;
            encoder.Encode(low, low + _orderZero.Frequency(token), _orderZero.Total - excluded);
        }
        Learn(token, symbol, count);
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        int count = Predict();
        int symbol = _table.Find(decoder.GetTarget());
        decoder.Consume(_table.Low(symbol), _table.High(symbol));
        int token;
        if (symbol < count - 1)
        {
            token = _candidates[symbol];
        }
        else
        {
            // Decode under the order-0 table with S excluded: walk the excluded symbols in
            // increasing order, shifting the target past each one that lies at or below it.
            var excludedSorted = _candidates.ToArray();
            Array.Sort(excludedSorted);
            uint excluded = 0;
            foreach (int s in excludedSorted) excluded += _orderZero.Frequency(s);
            uint target = decoder.GetTarget(_orderZero.Total - excluded);
            uint shifted = target;
            foreach (int s in excludedSorted)
            {
                if (_orderZero.CumulativeBelow(s) <= shifted) shifted += _orderZero.Frequency(s);
                else break;
            }
            token = _orderZero.Find(shifted);
            uint excludedBelow = 0;
            foreach (int s in excludedSorted) if (s < token) excludedBelow += _orderZero.Frequency(s);
            uint low = _orderZero.CumulativeBelow(token) - excludedBelow;
            decoder.Consume(low, low + _orderZero.Frequency(token), _orderZero.Total - excluded);
        }
        Learn(token, symbol, count);
        return token;
    }

    /// <summary>Builds the candidate table; returns its size (candidates + escape).</summary>
    private int Predict()
    {
        _candidates.Clear();
        _blend.Clear();
        _escapeBlend = _ngram.BlendCandidates(_candidates, _blend, out double escapeOverNorm);
        _match.Predict(_matchScores);
        _matchToken = _matchScores.SparseCount > 0 ? _matchScores.SparseTokens[0] : -1;
        _matchBoost = _matchToken >= 0 ? _matchScores.SparseValues[0] : 0;
        if (_matchToken >= 0 && !_candidates.Contains(_matchToken))
        {
            double p = escapeOverNorm * _ngram.OrderZeroCount(_matchToken);
            _candidates.Add(_matchToken);
            _blend.Add(p);
            _escapeBlend = Math.Max(0, _escapeBlend - p);
        }
        int count = _candidates.Count + 1;
        double max = double.NegativeInfinity;
        for (int i = 0; i < count; i++)
        {
            _logBlend[i] = FixedMath.Log(Math.Max(i < count - 1 ? _blend[i] : _escapeBlend, 1e-300));
            double m = _weights[0] * _logBlend[i];
            if (i < count - 1 && _candidates[i] == _matchToken) m += _weights[1] * _matchBoost;
            _mixed[i] = m;
            if (m > max) max = m;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) { _mixed[i] = FixedMath.Exp(_mixed[i] - max); sum += _mixed[i]; }
        _table.Build(_mixed.AsSpan(0, count), sum);
        _mixSum = sum;
        return count;
    }

    private double _mixSum;

    private void Learn(int token, int symbol, int count)
    {
        // Weight gradient of the coding cost over the candidate table: s_j(y) - E_q[s_j].
        double expectBlend = 0, expectMatch = 0;
        for (int i = 0; i < count; i++)
        {
            double q = _mixed[i] / _mixSum;
            expectBlend += q * _logBlend[i];
            if (i < count - 1 && _candidates[i] == _matchToken) expectMatch += q * _matchBoost;
        }
        double blendY = _logBlend[symbol];
        double matchY = symbol < count - 1 && _candidates[symbol] == _matchToken ? _matchBoost : 0;
        _weights[0] += WeightRate * (blendY - expectBlend);
        _weights[1] += WeightRate * (matchY - expectMatch);

        _ngram.Update(token);
        _match.Update(token);
        _orderZero.Add(token, CountStep);
        if (_orderZero.Total > TreeLimit) _orderZero.Halve(1);
    }
}
