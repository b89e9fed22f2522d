using Lmz.Bytes;
using Lmz.Modeling;

namespace Lmz.Hybrid;

/// <summary>
/// Predicts the decisions of a token's trie path (<see cref="TokenTrie"/>) from two sides: the
/// token model's probability of the decision and a <see cref="ByteModel"/> over the bytes coded
/// so far, which sees every bit of every byte (implied ones too) and so predicts each byte bit
/// from the byte history, the current token's bytes included. A small gated mixer combines them
/// with weight sets chosen by the token model's confidence, the depth in the token, the previous
/// byte, both models' confidence and the partial byte; two refiners by order-1 and order-2 byte
/// context follow. "End here" decisions have no byte-side counterpart: their probability is the
/// token model's, averaged with a refiner by depth and previous byte. All integer, or IEEE
/// operations in a fixed order (<see cref="FixedMath"/>), so every machine computes the same
/// 12-bit probabilities. Settings and what each part buys: bench/results/issue15-hybrid.md.
/// </summary>
internal sealed class TokenByteMixer : IDisposable
{
    private readonly ByteModel _bytes;
    private readonly BitMixer _mixer = new(6, [9 * 8, 8 * 9, 256 * 9, 8 * 8 * 9, 256 * 9], 9, 12, 2, (1 << 16) / 6);
    private readonly ProbabilityRefiner _order1 = new(1 << 16);
    private readonly ProbabilityRefiner _order2 = new(1 << 16);
    private readonly ProbabilityRefiner _end = new(16 * 256);
    private int _partial = 1, _c1, _c2;
    private int _p;

    /// <param name="capacity">Bytes the stream can hold.</param>
    /// <param name="contexts">The byte model's hashed contexts.</param>
    /// <param name="tableBits">log2 of each of its context tables' bytes.</param>
    public TokenByteMixer(int capacity, ByteContexts contexts, int tableBits)
    {
        _bytes = new ByteModel(capacity, contexts, tableBits, 3, 0);
    }

    /// <summary>
    /// The byte model's contexts for text: revision 3's, less the 16-bit image contexts (they need a
    /// row length) and the record contexts, which measured no gain on the nine text files of
    /// bench/results/issue15-hybrid.md (1.7610 bpb without them, 1.7611 with) and cost time.
    /// </summary>
    public const ByteContexts TextContexts = ByteContexts.Revision3 & ~(ByteContexts.Image16Gradient | ByteContexts.Image16Neighbours
        | ByteContexts.RecordColumn | ByteContexts.RecordAboveLeft | ByteContexts.RecordNeighbours | ByteContexts.Pixels);

    public void Dispose() => _bytes.Dispose();

    /// <summary>p(bit = 1) in 12 bits of bit <paramref name="bit"/> (7..0) of byte <paramref name="depth"/> of the token; the token model gives it <paramref name="one"/> of <paramref name="total"/>.</summary>
    public int PredictBit(int depth, int bit, uint one, uint total)
    {
        int pt = TokenP(one, total);
        int st = Logistic.Stretch(pt);
        int sb = Logistic.Stretch(_bytes.P());
        _mixer.Add(256);
        _mixer.Add(st);
        _mixer.Add(sb);
        _mixer.Add(Logistic.Stretch(_bytes.MixerP));
        // The token model is often surer than the stretch range holds: a finer-grained copy at half
        // scale and a doubled one let the mixer follow it past p = 4095/4096.
        _mixer.Add((int)Math.Clamp(Math.Round((FixedMath.Log(one) - FixedMath.Log(total - one)) * 128), -Logistic.Limit, Logistic.Limit));
        _mixer.Add(Math.Clamp(st * 2, -Logistic.Limit, Logistic.Limit));
        int confidence = Math.Min(Math.Abs(st) >> 8, 7);
        _mixer.Select(0, bit * 8 + confidence);
        _mixer.Select(1, Math.Min(depth, 7) * 9 + bit);
        _mixer.Select(2, _c1 * 9 + bit);
        _mixer.Select(3, (confidence * 8 + Math.Min(Math.Abs(sb) >> 8, 7)) * 9 + bit);
        _mixer.Select(4, _partial * 9 + bit);
        _mixer.Mix(bit);
        int p = _mixer.P;
        int a = _order1.Refine(p, _c1 << 8 | _partial);
        int b = _order2.Refine(p, (int)((uint)(_c2 << 8 | _c1) * 0x9E3779B1u >> 24) << 8 | _partial);
        return _p = Math.Clamp((2 * p + a + b + 2) >> 2, 1, 4095);
    }

    /// <summary>Learns the bit <see cref="PredictBit"/> predicted.</summary>
    public void LearnBit(int bit)
    {
        _mixer.Update(bit);
        _order1.Update(bit);
        _order2.Update(bit);
        Implied(bit);
    }

    /// <summary>A bit of the byte that the trie implies: only the byte model learns it.</summary>
    public void Implied(int bit)
    {
        _bytes.Update(bit);
        _partial = _partial << 1 | bit;
        if (_partial >= 256)
        {
            (_c2, _c1, _partial) = (_c1, _partial & 255, 1);
        }
    }

    /// <summary>p(the token ends here) in 12 bits, after <paramref name="depth"/> bytes; the token model gives it <paramref name="one"/> of <paramref name="total"/>.</summary>
    public int PredictEnd(int depth, uint one, uint total)
    {
        int pt = TokenP(one, total);
        int refined = _end.Refine(pt, Math.Min(depth, 15) << 8 | _c1);
        return _p = Math.Clamp((pt + refined + 1) >> 1, 1, 4095);
    }

    public void LearnEnd(int bit) => _end.Update(bit);

    /// <summary>The last prediction.</summary>
    public int P => _p;

    /// <summary>p(bit = 1) of a decision of kind <paramref name="kind"/> (<see cref="TrieDecision"/>).</summary>
    public int Predict(int depth, int kind, uint one, uint total) =>
        kind == TrieDecision.End ? PredictEnd(depth, one, total) : PredictBit(depth, kind, one, total);

    /// <summary>Learns the outcome of the decision <see cref="Predict"/> predicted.</summary>
    public void Learn(int kind, int bit)
    {
        if (kind == TrieDecision.End) LearnEnd(bit); else LearnBit(bit);
    }

    private static int TokenP(uint one, uint total) => (int)Math.Clamp(((ulong)one << 12) / total, 1, 4095);
}
