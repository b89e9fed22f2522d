using Lmz.Coding;
using Lmz.Modeling;

namespace Lmz.Hybrid;

/// <summary>
/// Codes each token as its path through the vocabulary trie (<see cref="TokenTrie"/>), every
/// decision with the probability <see cref="TokenByteMixer"/> mixes from the token distribution
/// and the byte model: bit 1 takes [0, p·2^12) of the coder's 2^24, bit 0 the rest. The stream's
/// bytes may not run past <c>length</c>: a payload that decodes further is invalid data.
/// </summary>
internal sealed class HybridTokenModel : ITokenCodingModel, IDisposable
{
    private readonly ITokenDistribution _tokens;
    private readonly TokenTrie _trie;
    private readonly TokenByteMixer _mixer;
    private readonly uint[] _cumulative;
    private readonly int _length;
    private long _coded;

    /// <param name="tokens">The stream's token model (disposed with this one if disposable).</param>
    /// <param name="trie">The vocabulary of <paramref name="tokens"/> as a trie.</param>
    /// <param name="length">Bytes the stream's tokens spell.</param>
    /// <param name="tableBits">log2 of each byte-model context table's bytes.</param>
    public HybridTokenModel(ITokenDistribution tokens, TokenTrie trie, int length, int tableBits)
    {
        _tokens = tokens;
        _trie = trie;
        _length = length;
        // Room for one token past the length: a corrupt payload is caught at the token's end.
        _mixer = new TokenByteMixer(length + trie.MaxLength, TokenByteMixer.TextContexts, tableBits);
        _cumulative = new uint[trie.Count + 1];
    }

    public void Encode(ArithmeticEncoder encoder, int token)
    {
        _trie.Cumulate(_tokens.Predict(), _cumulative);
        var sink = new EncodingSink(encoder, _mixer);
        _trie.Walk(_cumulative, token, ref sink);
        Coded(token);
    }

    public int Decode(ArithmeticDecoder decoder)
    {
        _trie.Cumulate(_tokens.Predict(), _cumulative);
        var sink = new DecodingSink(decoder, _mixer);
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

    private readonly struct EncodingSink(ArithmeticEncoder encoder, TokenByteMixer mixer) : ITrieSink
    {
        public int Decide(int depth, int kind, uint one, uint total, int known)
        {
            uint split = (uint)mixer.Predict(depth, kind, one, total) << 12;
            if (known == 1) encoder.Encode(0, split); else encoder.Encode(split, FrequencyTable.Total);
            mixer.Learn(kind, known);
            return known;
        }

        public void Implied(int bit) => mixer.Implied(bit);

        public ReadOnlySpan<byte> Ahead() => mixer.Ahead();

        public void Expect(int longest) => mixer.Expect(longest);
    }

    private readonly struct DecodingSink(ArithmeticDecoder decoder, TokenByteMixer mixer) : ITrieSink
    {
        public int Decide(int depth, int kind, uint one, uint total, int known)
        {
            uint split = (uint)mixer.Predict(depth, kind, one, total) << 12;
            int bit = decoder.GetTarget() < split ? 1 : 0;
            if (bit == 1) decoder.Consume(0, split); else decoder.Consume(split, FrequencyTable.Total);
            mixer.Learn(kind, bit);
            return bit;
        }

        public void Implied(int bit) => mixer.Implied(bit);

        public ReadOnlySpan<byte> Ahead() => mixer.Ahead();

        public void Expect(int longest) => mixer.Expect(longest);
    }
}
