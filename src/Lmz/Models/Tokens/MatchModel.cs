using Lmz.Core;
namespace Lmz.Models.Tokens;

/// <summary>
/// Predicts that the text repeats: finds the most recent earlier occurrence of the last
/// <see cref="MinLength"/> tokens (hashed; 4 by default, longer for a model that only trusts long repeats) in the stream so far and predicts the token that
/// followed it. How far to trust that guess is learned online per match-length bucket from how
/// often it was right (hit/miss counts), so the mixer sees a calibrated probability.
/// </summary>
internal sealed class MatchModel : ITokenPredictor
{
    public const int DefaultMinLength = 4;
    private const int TableBits = 20;
    private const int Buckets = 16;
    private readonly int _vocabSize;
    private readonly List<int> _history = [];
    private readonly int[] _lastPosition = new int[1 << TableBits]; // position after the hashed context, +1 (0 = none)
    private readonly int[] _hits = new int[Buckets];
    private readonly int[] _trials = new int[Buckets];
    private int _matchPointer = -1;
    private int _matchLength;
    private int _predicted = -1;
    private int _bucket;

    public MatchModel(int vocabSize, int minLength = DefaultMinLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minLength, 1);
        _vocabSize = vocabSize;
        MinLength = minLength;
    }

    /// <summary>Tokens hashed to find a match.</summary>
    public int MinLength { get; }

    /// <summary>Length of the current match in tokens (0 when there is none); a mixing context.</summary>
    public int MatchLength => _predicted < 0 ? 0 : _matchLength;

    /// <summary>The token the last <see cref="Predict"/> expected, or −1 without a match.</summary>
    public int Predicted => _predicted;

    public void Predict(TokenScores scores)
    {
        scores.BeginSparse();
        _predicted = _matchPointer >= 0 && _matchPointer < _history.Count ? _history[_matchPointer] : -1;
        if (_predicted < 0) return;
        _bucket = BucketOf(_matchLength);
        // Laplace-smoothed hit rate, starting optimistic (matches of 4+ tokens usually continue);
        // scored as the log-ratio of the predicted token's probability to any other token's.
        double pHit = (_hits[_bucket] * 2 + 3) / (double)(_trials[_bucket] * 2 + 4);
        double pOther = (1 - pHit) / (_vocabSize - 1);
        scores.Add(_predicted, (float)FixedMath.Log(pHit / pOther));
    }

    public void Update(int token)
    {
        if (_predicted >= 0)
        {
            _trials[_bucket]++;
            if (token == _predicted) { _hits[_bucket]++; _matchLength++; _matchPointer++; }
            else { _matchLength = 0; _matchPointer = -1; }
            if (_trials[_bucket] > 4096) { _trials[_bucket] >>= 1; _hits[_bucket] >>= 1; }
        }
        _history.Add(token);
        int n = _history.Count;
        if (n < MinLength) return;
        int slot = Hash(n);
        if (_matchPointer < 0 && _lastPosition[slot] > 0)
        {
            _matchPointer = _lastPosition[slot];
            _matchLength = 0;
        }
        _lastPosition[slot] = n;
    }

    private int Hash(int end)
    {
        ulong h = 0;
        for (int i = end - MinLength; i < end; i++) h = (h + (ulong)(uint)_history[i] + 1) * 0x9E3779B97F4A7C15UL;
        return (int)(h >> (64 - TableBits));
    }

    private static int BucketOf(int length) => length < 12 ? length : Math.Min(Buckets - 1, 12 + (length - 12) / 16);
}
