using System.Text;
using CsCheck;
using Lmz.Tokenization;

namespace Lmz.Tests;

public class TokenizerTests
{
    private static LmzTokenizer Tokenizer => LmzModelBundle.Default.Files.Tokenizer;

    private static List<int> Encode(ReadOnlySpan<byte> data)
    {
        var ids = new List<int>();
        Tokenizer.Encode(data, ids);
        return ids;
    }

    /// <summary>Tokenizes, checks ids are in range, and rebuilds the bytes via TokenBytes and Decode.</summary>
    private static void AssertLossless(byte[] data, string what = "")
    {
        var tokenizer = Tokenizer;
        var ids = Encode(data);
        var rebuilt = new MemoryStream();
        foreach (int id in ids)
        {
            Assert.True(id >= 0 && id < tokenizer.VocabSize, $"{what}: id {id} outside 0..{tokenizer.VocabSize - 1}");
            rebuilt.Write(tokenizer.TokenBytes(id));
        }
        int at = Bytes.FirstDifference(data, rebuilt.ToArray());
        Assert.True(at < 0, $"{what}: tokens rebuild different bytes at {at} (input {data.Length} bytes: {Convert.ToHexString(data.AsSpan(0, Math.Min(64, data.Length)))})");

        var decoded = new MemoryStream();
        tokenizer.Decode(ids.ToArray(), decoded);
        Assert.Equal(data, decoded.ToArray());
    }

    [Fact]
    public void Vocabulary_has_the_256_bytes_as_ranks_0_to_255()
    {
        Assert.Equal(8192, Tokenizer.VocabSize);
        for (int b = 0; b < 256; b++) Assert.Equal(new[] { (byte)b }, Tokenizer.TokenBytes(b).ToArray());
        Assert.True(Tokenizer.MaxTokenLength >= 2);
    }

    [Fact]
    public void Every_single_byte_and_every_pair_of_bytes_round_trip()
    {
        for (int a = 0; a < 256; a++)
        {
            AssertLossless([(byte)a], $"byte {a:X2}");
            for (int b = 0; b < 256; b++) AssertLossless([(byte)a, (byte)b], $"bytes {a:X2} {b:X2}");
        }
    }

    [Fact]
    public void All_256_byte_values_in_sequence_round_trip()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        AssertLossless(all);
        AssertLossless([.. all.Reverse()]);
        AssertLossless([.. all, .. all, .. all]);
    }

    [Fact]
    public void Bytes_that_are_not_valid_UTF8_become_their_single_byte_tokens()
    {
        for (int b = 0x80; b < 0x100; b++) Assert.Equal(new[] { b }, Encode([(byte)b]));
        Assert.Equal(new[] { (int)'a', 0xFF, (int)'b' }, Encode([(byte)'a', 0xFF, (byte)'b']));
    }

    public static TheoryData<string, string> InvalidUtf8 => new()
    {
        { "lone continuation bytes", "80 BF 41 80 80 42" },
        { "truncated 2-byte sequence at end", "41 42 C3" },
        { "truncated 3-byte sequence at end", "41 E2 82" },
        { "truncated 4-byte sequence at end", "41 F0 9F 98" },
        { "truncated sequences in the middle", "61 C3 20 E2 82 20 F0 9F 98 20 62" },
        { "overlong slash (2 bytes)", "C0 AF" },
        { "overlong slash (3 bytes)", "E0 80 AF" },
        { "overlong slash (4 bytes)", "F0 80 80 AF" },
        { "overlong NUL", "C0 80 00 C1 BF" },
        { "UTF-8-encoded high surrogate", "ED A0 80" },
        { "UTF-8-encoded low surrogate", "ED BF BF" },
        { "CESU-8 surrogate pair", "ED A0 BD ED B8 80" },
        { "above U+10FFFF", "F4 90 80 80" },
        { "bytes F5..FF", "F5 F6 F7 F8 F9 FA FB FC FD FE FF" },
        { "5- and 6-byte forms", "F8 88 80 80 80 FC 84 80 80 80 80" },
        { "invalid between valid multibyte text", "E4 B8 AD FF E6 96 87 80 F0 9F 98 80" },
        { "lead byte followed by ASCII", "C3 41 E2 41 41 F0 41 41 41" },
        { "Latin-1 text", "63 61 66 E9 20 6E 61 EF 76 65" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_UTF8_round_trips(string what, string hex)
    {
        var data = Convert.FromHexString(hex.Replace(" ", ""));
        AssertLossless(data, what);
        // Also embedded in ordinary text, on both sides.
        AssertLossless([.. "Hello, world "u8, .. data, .. " and more text.\n"u8], what + " (embedded)");
    }

    public static TheoryData<string, string> Texts => new()
    {
        { "CRLF", "line one\r\nline two\r\n\r\nline four\r\n" },
        { "lone CR and LF mixes", "a\rb\n\rc\r\r\n\n\r" },
        { "tabs", "\tindented\t\ttext\t\n\t\t\n" },
        { "whitespace runs", "a     b\n\n\n     \n\t \t \u00A0\u2003x   " },
        { "emoji", "smile 😀 family 👩‍👩‍👧 flag 🇳🇿 skin 👍🏽 keycap 1️⃣" },
        { "CJK", "中文字符测试。日本語のテキスト、カタカナ。한국어 텍스트" },
        { "BOM at start", "\uFEFFtext after a byte order mark" },
        { "BOM in middle", "one\uFEFFtwo" },
        { "combining marks", "e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0353" },
        { "contractions", "it's we'll they've I'm don't 'S 'LL" },
        { "digits and punctuation", "3.14159 1,000,000 -42 +7e10 ((x)) [[y]] {{z}} !!??" },
        { "NUL and controls", "\0a\u0001\u0007\u001b[0m\u007f" },
        { "supplementary planes", "𝐀𝐁𝐂 𠀀𠀁 𓀀 \U0010FFFD" },
        { "noncharacters", "\uFFFE\uFFFF\uFDD0" },
        { "right-to-left", "שלום עולם مرحبا بالعالم" },
        { "mixed scripts", "Ελληνικά русский हिन्दी ไทย" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Text_round_trips(string what, string text)
    {
        AssertLossless(Encoding.UTF8.GetBytes(text), what);
    }

    [Fact]
    public void Ascii_characters_alone_map_to_their_byte_ids()
    {
        Assert.Equal(new[] { (int)'a' }, Encode("a"u8));
        Assert.Equal(new[] { (int)'\n' }, Encode("\n"u8));
        Assert.Empty(Encode(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Encode_appends_to_the_list_it_is_given()
    {
        var ids = new List<int> { 7, 8, 9 };
        Tokenizer.Encode("hello world"u8, ids);
        Assert.Equal(new[] { 7, 8, 9 }, ids.Take(3));
        Assert.True(ids.Count > 3);
        Assert.Equal("hello world"u8.ToArray(), ids.Skip(3).SelectMany(id => Tokenizer.TokenBytes(id).ToArray()).ToArray());
    }

    [Fact]
    public void English_text_uses_multi_byte_tokens()
    {
        var text = Repo.Alice.AsSpan(0, 20_000).ToArray();
        var ids = Encode(text);
        Assert.True(ids.Count * 2.5 < text.Length, $"{ids.Count} tokens for {text.Length} bytes of English");
    }

    [Fact]
    public void Random_byte_strings_round_trip() =>
        Gen.Byte.Array[0, 400].Sample(data => AssertLossless(data), iter: 3000);

    /// <summary>Valid text from random code points (no surrogates), UTF-8 encoded.</summary>
    private static readonly Gen<string> UnicodeText =
        Gen.Frequency(
            (4, Gen.Int[0x20, 0x7E]),
            (1, Gen.Int[0, 6].Select(i => new[] { 0x09, 0x0A, 0x0D, 0x20, 0x20, 0xA0, 0xFEFF }[i])),
            (2, Gen.Int[0x80, 0xD7FF]),
            (1, Gen.Int[0xE000, 0xFFFF]),
            (1, Gen.Int[0x10000, 0x10FFFF]))
        .Array[0, 120]
        .Select(cps => string.Concat(cps.Select(cp => char.ConvertFromUtf32(cp))));

    [Fact]
    public void Random_unicode_text_round_trips() =>
        UnicodeText.Sample(text => AssertLossless(Encoding.UTF8.GetBytes(text)), iter: 3000);

    [Fact]
    public void Random_text_with_random_bytes_spliced_in_round_trips() =>
        Gen.Select(UnicodeText, Gen.Byte.Array[1, 6], Gen.Int[0, 1000])
            .Sample((text, junk, at) =>
            {
                var utf8 = Encoding.UTF8.GetBytes(text);
                int cut = utf8.Length == 0 ? 0 : at % (utf8.Length + 1);
                AssertLossless([.. utf8.AsSpan(0, cut), .. junk, .. utf8.AsSpan(cut)]);
            }, iter: 3000);

    public static TheoryData<string> CorpusFiles => new(ManifestEntry.ReadAll().Select(e => e.File));

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_corpus_file_tokenizes_losslessly(string file)
    {
        AssertLossless(File.ReadAllBytes(Repo.CorpusFile(file)), file);
    }

    [Fact]
    public void Tokenizing_concurrently_gives_the_same_tokens()
    {
        var text = Repo.Alice.AsSpan(0, 40_000).ToArray();
        var expected = Encode(text);
        var results = new List<int>[4];
        Parallel.For(0, 4, i =>
        {
            var ids = new List<int>();
            Tokenizer.Encode(text, ids);
            results[i] = ids;
        });
        foreach (var r in results) Assert.Equal(expected, r);
    }

    // ---- rank files ----

    private static string[] RankLines() => File.ReadAllLines(Path.Combine(LmzModelBundle.Default.Directory, LmzModelBundle.TokenizerFile));

    private static LmzTokenizer LoadLines(IEnumerable<string> lines) =>
        LmzTokenizer.Load(new MemoryStream(Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n")));

    [Fact]
    public void The_shipped_rank_file_loads_from_a_stream()
    {
        var tokenizer = LoadLines(RankLines());
        Assert.Equal(Tokenizer.VocabSize, tokenizer.VocabSize);
        var data = Repo.Alice.AsSpan(0, 5000).ToArray();
        var a = new List<int>();
        tokenizer.Encode(data, a);
        Assert.Equal(Encode(data), a);
    }

    [Fact]
    public void A_rank_file_with_fewer_than_256_ranks_is_rejected()
    {
        var ex = Assert.Throws<InvalidDataException>(() => LoadLines(RankLines().Take(100)));
        Assert.Contains("rank 100", ex.Message);
    }

    [Fact]
    public void A_rank_file_whose_byte_rank_holds_another_token_is_rejected()
    {
        var lines = RankLines();
        // Rank 65 (the byte 'A') holds the bytes of the first merge instead.
        var merge = lines[256].Split(' ')[0];
        lines[65] = $"{merge} 65";
        lines[256] = "QQ== 256";
        var ex = Assert.Throws<InvalidDataException>(() => LoadLines(lines));
        Assert.Contains("rank 65", ex.Message);
    }

    [Fact]
    public void A_rank_file_missing_a_byte_rank_line_is_rejected()
    {
        var lines = RankLines().ToList();
        lines.RemoveAt(10);
        Assert.Throws<InvalidDataException>(() => LoadLines(lines));
    }

    [Fact]
    public void A_rank_file_with_a_duplicate_rank_is_rejected()
    {
        var lines = RankLines();
        lines[300] = lines[300].Split(' ')[0] + " 299";
        Assert.Throws<InvalidDataException>(() => LoadLines(lines));
    }

    [Fact]
    public void A_rank_file_line_with_invalid_base64_is_rejected_as_invalid_data()
    {
        var lines = RankLines();
        lines[400] = "not*base64 400";
        Assert.Throws<InvalidDataException>(() => LoadLines(lines));
    }

    [Fact]
    public void The_compressors_cut_of_long_runs_leaves_text_alone_and_still_spells_every_byte()
    {
        // Text has no run of 1,024 characters without whitespace: the same tokens with or without the cut.
        var alice = Repo.Alice;
        List<int> whole = [], cut = [];
        Tokenizer.Encode(alice, whole);
        Tokenizer.Encode(alice, cut, LmzTokenizer.CodingRunLimit);
        Assert.Equal(whole, cut);

        // One piece of 20,000 letters (DNA, as E.coli), with a letter outside the BMP at a cut: pieces of at most 1,024 characters, the same bytes.
        var dna = string.Concat(Enumerable.Range(0, 20_000).Select(i => "acgt"[(i * 7 + i / 3) % 4]));
        dna = dna[..1023] + "\U0001F600" + dna[1023..];
        var bytes = Encoding.UTF8.GetBytes(dna);
        List<int> ids = [];
        Tokenizer.Encode(bytes, ids, LmzTokenizer.CodingRunLimit);
        var spelled = new MemoryStream();
        Tokenizer.Decode(ids.ToArray(), spelled);
        Assert.Equal(bytes, spelled.ToArray());
        List<int> uncut = [];
        Tokenizer.Encode(bytes, uncut);
        Assert.NotEqual(uncut, ids); // the cut changed the pieces
    }
}
