using Lmz.Coding;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Tokens;
using Lmz.Models.Hybrid;
using Lmz.Bundles;

namespace Lmz.Tests;

/// <summary>Text coded over the vocabulary trie, mixed with the byte model (chunk method 7, format 10).</summary>
public sealed class HybridCodingTests
{
    private static readonly LmzModelBundle Bundle = LmzModelBundle.Default;

    /// <summary>Collects a walk's decisions; replays recorded bits when walking without a token.</summary>
    private struct PathSink : ITrieSink
    {
        public double Log2Probability;
        public int Coded, Implied;
        public List<int> Bits;
        public int Replay;

        public int Decide(int depth, int kind, uint one, uint total, int known)
        {
            int bit = known >= 0 ? known : Bits[Replay++];
            if (known >= 0) Bits.Add(bit);
            Assert.InRange(one, 1u, total - 1);
            Log2Probability += Math.Log2((bit == 1 ? one : total - one) / (double)total);
            Coded++;
            return bit;
        }

        void ITrieSink.Implied(int bit) => Implied++;

        public readonly ReadOnlySpan<byte> Ahead() => default;

        public readonly void Expect(int longest) { }
    }

    [Fact]
    public void Every_token_walks_the_trie_to_itself_with_exactly_its_probability()
    {
        var trie = Bundle.Files.Trie;
        var table = new FrequencyTable(trie.Count);
        // Uneven weights: every token a different share, some tiny.
        var weights = Enumerable.Range(0, trie.Count).Select(t => (double)(t * 7919 % 1000 + 1) * (t % 13 == 0 ? 1e-6 : 1)).ToArray();
        table.Build(weights, weights.Sum());
        var cumulative = new uint[trie.Count + 1];
        trie.Cumulate(table, cumulative);
        Assert.Equal(FrequencyTable.Total, cumulative[^1]);
        for (int token = 0; token < trie.Count; token++)
        {
            var encode = new PathSink { Bits = [] };
            Assert.Equal(token, trie.Walk(cumulative, token, ref encode));
            Assert.Equal(Math.Log2(table.Frequency(token) / (double)FrequencyTable.Total), encode.Log2Probability, 1e-9);
            // Every bit of every byte is either coded or implied; end decisions come on top.
            Assert.True(encode.Coded + encode.Implied >= 8 * trie.Length(token));
            var decode = new PathSink { Bits = encode.Bits };
            Assert.Equal(token, trie.Walk(cumulative, -1, ref decode));
            Assert.Equal(encode.Bits.Count, decode.Replay);
        }
    }

    private static HybridOptions HybridOf(byte format) => Format.Of(format).Hybrid(LevelProfile.For(6))!;

    private static (byte[] Payload, int[] Tokens) Code(byte[] text, bool hybrid, byte format = 14)
    {
        var ids = new List<int>();
        Bundle.Files.Tokenizer.Encode(text, ids);
        var output = new MemoryStream();
        var encoder = new ArithmeticEncoder(output);
        var ensemble = (TokenEnsemble)TokenCoderFactory.Create(LevelProfile.For(6).Tokens, Bundle.Files.Tokenizer.VocabSize, null);
        using var model = hybrid ? new HybridTokenCoder(ensemble, Bundle.Files.Trie, text.Length, 20, HybridOf(format)) : null;
        foreach (int t in ids)
        {
            if (model != null) model.Encode(encoder, t); else ensemble.Encode(encoder, t);
        }
        encoder.Finish();
        return (output.ToArray(), [.. ids]);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(14)]
    public void Mixing_the_byte_model_codes_source_code_smaller_than_the_tokens_alone_and_decodes_it(byte format)
    {
        var text = File.ReadAllBytes(Repo.CorpusFile("canterbury/fields.c"));
        var (plain, _) = Code(text, hybrid: false);
        var (mixed, tokens) = Code(text, hybrid: true, format);
        Assert.True(mixed.Length * 100L < plain.Length * 95L, $"hybrid {mixed.Length} B, tokens alone {plain.Length} B");

        var ensemble = (TokenEnsemble)TokenCoderFactory.Create(LevelProfile.For(6).Tokens, Bundle.Files.Tokenizer.VocabSize, null);
        using var model = new HybridTokenCoder(ensemble, Bundle.Files.Trie, text.Length, 20, HybridOf(format));
        var decoder = new ArithmeticDecoder(mixed);
        Assert.Equal(tokens, tokens.Select(_ => model.Decode(decoder)).ToArray());
    }

    [Fact]
    public void A_payload_that_decodes_past_the_length_is_invalid_data()
    {
        var text = File.ReadAllBytes(Repo.CorpusFile("canterbury/grammar.lsp"));
        var (payload, tokens) = Code(text, hybrid: true);
        var ensemble = (TokenEnsemble)TokenCoderFactory.Create(LevelProfile.For(6).Tokens, Bundle.Files.Tokenizer.VocabSize, null);
        using var model = new HybridTokenCoder(ensemble, Bundle.Files.Trie, text.Length / 2, 20, HybridOf(14));
        var decoder = new ArithmeticDecoder(payload);
        var error = Assert.Throws<InvalidDataException>(() => { foreach (var _ in tokens) model.Decode(decoder); });
        Assert.Contains("exceed the recorded length", error.Message);
    }

    [Fact]
    public void The_hybrid_for_code_codes_lisp_at_least_three_percent_smaller_than_format_10s()
    {
        // Without the network: the ensemble's n-grams, the byte model and the code contexts.
        var text = File.ReadAllBytes(Repo.CorpusFile("calgary/progl"));
        var (before, _) = Code(text, hybrid: true, format: 10);
        var (code, _) = Code(text, hybrid: true);
        Assert.True(code.Length * 100L < before.Length * 97L, $"format 14 {code.Length} B, format 10 {before.Length} B");
    }
}
