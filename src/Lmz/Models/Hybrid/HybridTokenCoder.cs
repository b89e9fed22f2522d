using Lmz.Coding;
using Lmz.Models.Tokens;

namespace Lmz.Models.Hybrid;

/// <summary>
/// Codes each token as its path through the vocabulary trie (<see cref="TokenTrie"/>), every
/// decision with the probability <see cref="HybridDecisionModel"/> mixes from the token distribution
/// and the byte model, through the binary coding step (<see cref="IBitCoder"/>). The stream's
/// bytes may not run past <c>length</c>: a payload that decodes further is invalid data.
/// </summary>
internal sealed class HybridTokenCoder : ITokenCoder, IEncoderLookahead, IDisposable
{
    private readonly ITokenDistribution _tokens;
    private readonly TokenTrie _trie;
    private readonly HybridDecisionModel _model;
    private readonly uint[] _cumulative;
    private readonly int _length;
    private long _coded;

    /// <param name="tokens">The stream's token model (disposed with this one if disposable).</param>
    /// <param name="trie">The vocabulary of <paramref name="tokens"/> as a trie.</param>
    /// <param name="length">Bytes the stream's tokens spell.</param>
    /// <param name="tableBits">log2 of each byte-model context table's bytes.</param>
    /// <param name="options">The format's switches for <see cref="HybridDecisionModel"/>.</param>
    public HybridTokenCoder(ITokenDistribution tokens, TokenTrie trie, int length, int tableBits, HybridOptions options)
    {
        _tokens = tokens;
        _trie = trie;
        _length = length;
        // Room for one token past the length: a corrupt payload is caught at the token's end.
        _model = new HybridDecisionModel(length + trie.MaxLength, tableBits, options);
        _cumulative = new uint[trie.Count + 1];
    }

    public void Foresee(int[] tokens) => (_tokens as IEncoderLookahead)?.Foresee(tokens);

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        _trie.Cumulate(_tokens.Predict(), _cumulative);
        var sink = new CodingSink<BitEncoder>(new BitEncoder(encoder), _model);
        _trie.Walk(_cumulative, token, ref sink);
        Coded(token);
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        _trie.Cumulate(_tokens.Predict(), _cumulative);
        var sink = new CodingSink<BitDecoder>(new BitDecoder(decoder), _model);
        int token = _trie.Walk(_cumulative, -1, ref sink);
        Coded(token);
        return token;
    }

    private void Coded(int token)
    {
        _tokens.Update(token);
        _coded += _trie.Length(token);
        if (_coded > _length) throw new InvalidDataException("decoded tokens exceed the recorded length");
    }

    public void Dispose()
    {
        _model.Dispose();
        (_tokens as IDisposable)?.Dispose();
    }

    /// <summary>The trie walk's decisions, predicted and learned by the decision model, coded by <typeparamref name="TCoder"/>.</summary>
    private readonly struct CodingSink<TCoder>(TCoder coder, HybridDecisionModel model) : ITrieSink where TCoder : struct, IBitCoder
    {
        public int Decide(int depth, int kind, uint one, uint total, int known)
        {
            int bit = coder.Code(model.Predict(depth, kind, one, total), known);
            model.Learn(kind, bit);
            return bit;
        }

        public void Implied(int bit) => model.Implied(bit);

        public ReadOnlySpan<byte> Ahead() => model.Ahead();

        public void Expect(int longest) => model.Expect(longest);
    }
}
