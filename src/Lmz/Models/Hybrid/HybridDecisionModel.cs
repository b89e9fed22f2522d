using Lmz.Core;
using Lmz.Models.Bits;
using Lmz.Network;

namespace Lmz.Models.Hybrid;

/// <summary>
/// Predicts the decisions of a token's trie path (<see cref="TokenTrie"/>) from two sides: the
/// token model's probability of the decision and a <see cref="ByteModel"/> over the bytes coded
/// so far, which sees every bit of every byte (implied ones too) and so predicts each byte bit
/// from the byte history, the current token's bytes included. A small gated mixer combines them
/// with weight sets chosen by the token model's confidence, the depth in the token, the previous
/// byte, both models' confidence and the partial byte; two refiners by order-1 and order-2 byte
/// context follow. "End here" decisions have no byte bit: the byte model's match model speaks for
/// them through the bytes it expects next (whether they continue the token past here), mixed with
/// the token model's odds and refined by depth and previous byte. All integer, or IEEE
/// operations in a fixed order (<see cref="FixedMath"/>), so every machine computes the same
/// 12-bit probabilities. What each part buys: docs/decisions/hybrid.md.
/// <para>
/// Made for code (<see cref="HybridOptions.ForCode"/>), both mixers get a weight set by
/// <see cref="CodeLayout.Selector"/> and "end here" decisions get direct context models
/// (<see cref="EndContexts"/>), since where a run of spaces or an identifier ends is the layout's
/// and the syntax's business more than the network's.
/// </para>
/// </summary>
internal sealed class HybridDecisionModel : IDisposable
{
    private readonly ByteModel _bytes;
    private readonly bool _code;
    private readonly BitMixer _mixer;
    private readonly BitApm _order1 = new(1 << 16);
    private readonly BitApm _order2 = new(1 << 16);
    private readonly BitMixer _endMixer;
    private readonly AdaptiveProbability _expectation = new(3 * 8, 255);
    private readonly BitApm _end = new(3 * 16 * 256);
    private readonly EndContexts? _endContexts; // for code
    private readonly BitApm? _layoutRefiner; // for code: a third refiner, by the code layout's selector
    private int _expect, _expectLength;
    private int _partial = 1, _c1, _c2, _c3;

    /// <param name="capacity">Bytes the stream can hold.</param>
    /// <param name="tableBits">log2 of each of its byte model's context tables' bytes.</param>
    /// <param name="options">The format's switches.</param>
    public HybridDecisionModel(int capacity, int tableBits, HybridOptions options)
    {
        _code = options.ForCode;
        _bytes = new ByteModel(capacity, options.Contexts, tableBits, options.Bytes, 0);
        if (!_code)
        {
            _mixer = new(6, [9 * 8, 8 * 9, 256 * 9, 8 * 8 * 9, 256 * 9], 9, 12, 2, (1 << 16) / 6);
            _endMixer = new(5, [3 * 8, 16, 256], 3, 12, 2, (1 << 16) / 4);
            return;
        }
        // For code: layer 2 at rate 1, the depth's weight set also by the match state, the end
        // mixer at rate 16 and a third APM by the layout (docs/decisions/hybrid.md).
        _mixer = new(6, [9 * 8, 8 * 4 * 9, 256 * 9, 8 * 8 * 9, 256 * 9, CodeLayout.Selectors * 9], 9, 12, 1, (1 << 16) / 6);
        _endMixer = new(5 + EndContexts.Count, [3 * 8, 16, 256, CodeLayout.Selectors], 3, 16, 2, (1 << 16) / 4);
        _endContexts = new EndContexts();
        _layoutRefiner = new BitApm(CodeLayout.Selectors << 8);
    }

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
        _mixer.Add(FineStretch(one, total));
        _mixer.Add(Math.Clamp(st * 2, -Logistic.Limit, Logistic.Limit));
        int confidence = Math.Min(Math.Abs(st) >> 8, 7);
        _mixer.Select(0, bit * 8 + confidence);
        _mixer.Select(1, (Math.Min(depth, 7) + (_code ? 8 * _bytes.MatchState : 0)) * 9 + bit);
        _mixer.Select(2, _c1 * 9 + bit);
        _mixer.Select(3, (confidence * 8 + Math.Min(Math.Abs(sb) >> 8, 7)) * 9 + bit);
        _mixer.Select(4, _partial * 9 + bit);
        if (_code) _mixer.Select(5, _bytes.Layout!.Selector * 9 + bit);
        _mixer.Mix(bit);
        int p = _mixer.P;
        int a = _order1.Refine(p, _c1 << 8 | _partial);
        int b = _order2.Refine(p, (int)((uint)(_c2 << 8 | _c1) * 0x9E3779B1u >> 24) << 8 | _partial);
        if (_layoutRefiner == null) return Math.Clamp((2 * p + a + b + 2) >> 2, 1, 4095);
        int c = _layoutRefiner.Refine(p, _bytes.Layout!.Selector << 8 | _partial);
        return Math.Clamp((p + a + b + c + 2) >> 2, 1, 4095);
    }

    /// <summary>Learns the bit <see cref="PredictBit"/> predicted.</summary>
    public void LearnBit(int bit)
    {
        _mixer.Update(bit);
        _order1.Update(bit);
        _order2.Update(bit);
        _layoutRefiner?.Update(bit);
        Implied(bit);
    }

    /// <summary>A bit of the byte that the trie implies: only the byte model learns it.</summary>
    public void Implied(int bit)
    {
        _bytes.Update(bit);
        _partial = _partial << 1 | bit;
        if (_partial >= 256)
        {
            (_c3, _c2, _c1, _partial) = (_c2, _c1, _partial & 255, 1);
        }
    }

    /// <summary>Up to this many bytes the match model expects are read before an "end here" decision.</summary>
    public const int AheadBytes = 32;

    /// <summary>The bytes the byte model's match model expects next (at a byte boundary).</summary>
    public ReadOnlySpan<byte> Ahead()
    {
        _expectLength = _bytes.MatchLength;
        return _bytes.MatchAhead(AheadBytes);
    }

    /// <summary>What the expected bytes say of the next "end here" decision (<see cref="ITrieSink.Expect"/>).</summary>
    public void Expect(int longest) => _expect = longest < 0 ? 0 : longest == 0 ? 1 : 2;

    /// <summary>p(the token ends here) in 12 bits, after <paramref name="depth"/> bytes; the token model gives it <paramref name="one"/> of <paramref name="total"/>.</summary>
    public int PredictEnd(int depth, uint one, uint total)
    {
        int pt = TokenP(one, total);
        int st = Logistic.Stretch(pt);
        int length = _expectLength;
        int bucket = _expect == 0 ? 0 : LengthBucket(length);
        int context = _expect * 8 + bucket;
        _endMixer.Add(256);
        _endMixer.Add(st);
        _endMixer.Add(FineStretch(one, total));
        _endMixer.Add(Math.Clamp(st * 2, -Logistic.Limit, Logistic.Limit));
        _endMixer.Add(_expect == 0 ? 0 : Logistic.Stretch(_expectation.P(context)));
        _endMixer.Select(0, context);
        _endMixer.Select(1, Math.Min(depth, 15));
        _endMixer.Select(2, _c1);
        if (_endContexts != null)
        {
            var layout = _bytes.Layout!;
            _endContexts.Predict(_endMixer, Math.Min(depth, 15), layout, _c3 << 16 | _c2 << 8 | _c1);
            _endMixer.Select(3, layout.Selector);
        }
        _endMixer.Mix(_expect);
        int p = _endMixer.P;
        int refined = _end.Refine(p, (_expect * 16 + Math.Min(depth, 15)) << 8 | _c1);
        return Math.Clamp((p + refined + 1) >> 1, 1, 4095);
    }

    public void LearnEnd(int bit)
    {
        _endMixer.Update(bit);
        if (_expect != 0) _expectation.Update(bit);
        _endContexts?.Update(bit);
        _end.Update(bit);
    }

    /// <summary>A match length in 8 buckets: 0 for none, then up to 8, 12, 16, 24, 32, 64 bytes and longer.</summary>
    private static int LengthBucket(int length) =>
        length == 0 ? 0 : length < 8 ? 1 : length < 12 ? 2 : length < 16 ? 3 : length < 24 ? 4 : length < 32 ? 5 : length < 64 ? 6 : 7;

    /// <summary>round(128 · ln(one / (total − one))), clamped to the stretch range: the token odds at full precision, half scale.</summary>
    private static int FineStretch(uint one, uint total) =>
        (int)Math.Clamp(Math.Round((FixedMath.Log(one) - FixedMath.Log(total - one)) * 128), -Logistic.Limit, Logistic.Limit);


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
