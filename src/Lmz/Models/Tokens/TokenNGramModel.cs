using Lmz.Core;
namespace Lmz.Models.Tokens;

/// <summary>
/// Token n-gram predictor of orders 0..MaxOrder, learned online from the chunk being coded.
/// Contexts of the last k tokens are hashed to 64 bits; each keeps its successors' counts.
/// Orders are blended by interpolated absolute discounting (Kneser-Ney style without the
/// continuation counts): p_k(t) = (max(c(t) - D, 0) + D*u*p_{k-1}(t)) / n, where n is the
/// context's total and u its number of distinct successors; an unseen context passes p_{k-1}
/// through. Order 0 is counts plus a small prior, so the model is usable from the first token.
/// Its output is sparse: the log-ratio of the blend to its order-0 term on the tokens some
/// context has seen; <see cref="OrderZeroModel"/> supplies the dense order-0 term.
/// </summary>
internal sealed class TokenNGramModel : ITokenPredictor
{
    private const double Discount = 0.6;
    // Order-0 pseudo-count per token: small, because most of an 8192-entry vocabulary never
    // occurs in one chunk (binary chunks use a few hundred tokens). Measured: 0.5 -> 0.05 saves
    // 5% on obj1 and 0.3% on alice29.txt.
    internal const double Prior = 0.05;
    private const int RescaleLimit = 1 << 16;
    private readonly int _vocabSize;
    private readonly int _maxOrder;
    private readonly Dictionary<ulong, SuccessorCounts>[] _contexts;
    private readonly int[] _history;
    private int _historyLength;

    private readonly int[] _unigramCounts;
    private long _unigramTotal;

    // Per-prediction scratch, sized once.
    private readonly SuccessorCounts?[] _found;
    private readonly ulong[] _hashes;
    private readonly double[] _sparse;
    private readonly bool[] _inSparse;
    private readonly List<int> _touched = [];

    public int MaxOrder => _maxOrder;

    public TokenNGramModel(int vocabSize, int maxOrder)
    {
        _vocabSize = vocabSize;
        _maxOrder = maxOrder;
        _contexts = new Dictionary<ulong, SuccessorCounts>[maxOrder + 1];
        for (int k = 1; k <= maxOrder; k++) _contexts[k] = [];
        _history = new int[maxOrder];
        _unigramCounts = new int[vocabSize];
        _found = new SuccessorCounts?[maxOrder + 1];
        _hashes = new ulong[maxOrder + 1];
        _sparse = new double[vocabSize];
        _inSparse = new bool[vocabSize];
    }

    /// <summary>Highest order whose context was seen before at the last prediction (0 if none).</summary>
    public int LastMatchedOrder { get; private set; }

    public void Predict(TokenScores scores)
    {
        scores.BeginSparse();
        double escapeOverNorm = Blend();
        // p(t) = escape * p0(t) + sparse(t); relative to the order-0 term (which the mixer gets
        // from OrderZeroModel) that is a boost of log(1 + sparse(t) / (escape * p0(t))) on the
        // successors seen, and nothing elsewhere.
        foreach (int t in _touched)
        {
            double lowerPart = escapeOverNorm * (_unigramCounts[t] + Prior);
            scores.Add(t, (float)FixedMath.Log(1 + _sparse[t] / lowerPart));
        }
        ClearBlend();
    }

    /// <summary>
    /// The blended probabilities of the tokens some context has seen (appended to the lists),
    /// and returns the probability of all other tokens together. For <see cref="TokenPpmCoder"/>.
    /// </summary>
    internal double BlendCandidates(List<int> tokens, List<double> probabilities, out double escapeOverNorm)
    {
        escapeOverNorm = Blend();
        double inside = 0;
        foreach (int t in _touched)
        {
            double p = escapeOverNorm * (_unigramCounts[t] + Prior) + _sparse[t];
            tokens.Add(t);
            probabilities.Add(p);
            inside += p;
        }
        ClearBlend();
        return Math.Max(0, 1 - inside);
    }

    /// <summary>Order-0 count of a token plus the prior; times escape/norm it is the token's blend outside S.</summary>
    internal double OrderZeroCount(int token) => _unigramCounts[token] + Prior;

    /// <summary>Fills the sparse part of the blend for the current contexts; returns escape / order-0 norm.</summary>
    private double Blend()
    {
        double escape = 1.0; // product of the lower-order weights D*u/n of the orders seen
        LastMatchedOrder = 0;
        ulong hash = 0x9E3779B97F4A7C15UL;
        for (int k = 1; k <= _maxOrder; k++)
        {
            _found[k] = null;
            if (k > _historyLength) { _hashes[k] = 0; continue; }
            hash = (hash ^ (ulong)(uint)_history[(_historyLength - k) % _maxOrder]) * 0xD6E8FEB86659FD93UL + (ulong)k;
            _hashes[k] = hash;
            if (!_contexts[k].TryGetValue(hash, out var ctx)) continue;
            _found[k] = ctx;
            LastMatchedOrder = k;
            double n = ctx.Total;
            double lower = Discount * ctx.Distinct / n;
            foreach (int t in _touched) _sparse[t] *= lower;
            for (int i = 0; i < ctx.Distinct; i++)
            {
                int t = ctx.Tokens[i];
                if (!_inSparse[t]) { _inSparse[t] = true; _touched.Add(t); }
                _sparse[t] += (ctx.Counts[i] - Discount) / n;
            }
            escape *= lower;
        }
        return escape / (_unigramTotal + Prior * _vocabSize);
    }

    private void ClearBlend()
    {
        foreach (int t in _touched)
        {
            _sparse[t] = 0;
            _inSparse[t] = false;
        }
        _touched.Clear();
    }

    public void Update(int token)
    {
        for (int k = 1; k <= _maxOrder && k <= _historyLength; k++)
        {
            var ctx = _found[k];
            if (ctx == null) _contexts[k][_hashes[k]] = ctx = new SuccessorCounts();
            ctx.Add(token, RescaleLimit);
        }
        _unigramCounts[token]++;
        _unigramTotal++;

        _history[_historyLength % _maxOrder] = token;
        _historyLength++;
    }

    /// <summary>Successor counts of one context; small contexts stay small arrays.</summary>
    private sealed class SuccessorCounts
    {
        public int[] Tokens = new int[2];
        public int[] Counts = new int[2];
        public int Distinct;
        public int Total;

        public void Add(int token, int limit)
        {
            int i = Array.IndexOf(Tokens, token, 0, Distinct);
            if (i < 0)
            {
                if (Distinct == Tokens.Length)
                {
                    Array.Resize(ref Tokens, Distinct * 2);
                    Array.Resize(ref Counts, Distinct * 2);
                }
                i = Distinct++;
                Tokens[i] = token;
            }
            Counts[i]++;
            Total++;
            if (Total > limit) Halve();
        }

        private void Halve()
        {
            int kept = 0;
            Total = 0;
            for (int i = 0; i < Distinct; i++)
            {
                int c = Counts[i] >> 1;
                if (c == 0) continue;
                Tokens[kept] = Tokens[i];
                Counts[kept] = c;
                Total += c;
                kept++;
            }
            Distinct = kept;
        }
    }
}
