using Lmz.Coding;
using Lmz.Container;
using Lmz.Core;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;
using Lmz.Models.Tokens;
using Lmz.Network;
using Lmz.Network.Adaptive;
using Lmz.Tokenization;
using Lmz.Bundles;

namespace Lmz.Models.Hybrid;

/// <summary>
/// Codes each token as its path through the vocabulary trie (<see cref="TokenTrie"/>), every
/// decision with the probability <see cref="HybridDecisionModel"/> mixes from the token distribution
/// and the byte model: bit 1 takes [0, p·2^12) of the coder's 2^24, bit 0 the rest. The stream's
/// bytes may not run past <c>length</c>: a payload that decodes further is invalid data.
/// </summary>
internal sealed class HybridTokenCoder : ITokenCoder, IEncoderLookahead, IDisposable
{
    private readonly ITokenDistribution _tokens;
    private readonly TokenTrie _trie;
    private readonly HybridDecisionModel _mixer;
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
        _mixer = new HybridDecisionModel(length + trie.MaxLength, tableBits, options);
        _cumulative = new uint[trie.Count + 1];
    }

    public void Foresee(int[] tokens) => (_tokens as IEncoderLookahead)?.Foresee(tokens);

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        _trie.Cumulate(_tokens.Predict(), _cumulative);
        var sink = new CodingSink<Encoding>(new Encoding(encoder), _mixer);
        _trie.Walk(_cumulative, token, ref sink);
        Coded(token);
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        _trie.Cumulate(_tokens.Predict(), _cumulative);
        var sink = new CodingSink<Decoding>(new Decoding(decoder), _mixer);
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
        _mixer.Dispose();
        (_tokens as IDisposable)?.Dispose();
    }

    /// <summary>Codes one decision's bit with its split of the coder's 2^24: bit 1 below, 0 above.</summary>
    private interface IBitCoder
    {
        /// <summary>Returns the bit: <paramref name="known"/> when encoding, else the decoded one.</summary>
        int Code(uint split, int known);
    }

    private readonly struct Encoding(ArithmeticEncoder encoder) : IBitCoder
    {
        public int Code(uint split, int known)
        {
            if (known == 1) encoder.Encode(0, split); else encoder.Encode(split, FrequencyTable.Total);
            return known;
        }
    }

    private readonly struct Decoding(ArithmeticDecoder decoder) : IBitCoder
    {
        public int Code(uint split, int known)
        {
            int bit = decoder.GetTarget() < split ? 1 : 0;
            if (bit == 1) decoder.Consume(0, split); else decoder.Consume(split, FrequencyTable.Total);
            return bit;
        }
    }

    /// <summary>The trie walk's decisions, predicted and learned by the mixer, coded by <typeparamref name="TCoder"/>.</summary>
    private readonly struct CodingSink<TCoder>(TCoder coder, HybridDecisionModel mixer) : ITrieSink where TCoder : struct, IBitCoder
    {
        public int Decide(int depth, int kind, uint one, uint total, int known)
        {
            int bit = coder.Code((uint)mixer.Predict(depth, kind, one, total) << 12, known);
            mixer.Learn(kind, bit);
            return bit;
        }

        public void Implied(int bit) => mixer.Implied(bit);

        public ReadOnlySpan<byte> Ahead() => mixer.Ahead();

        public void Expect(int longest) => mixer.Expect(longest);
    }
}
