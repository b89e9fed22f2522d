using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Tests;

/// <summary>Format 15's model of structured and non-English text: its contexts, its route, its header.</summary>
public class StructuredTextTests
{
    private static byte[] Head(string shared, int length)
    {
        var data = File.ReadAllBytes(Repo.SharedCorpusFile(shared));
        return data.AsSpan(0, Math.Min(length, data.Length)).ToArray();
    }

    [Theory]
    [InlineData("structured/OpenSSH_2k_structured.csv")]
    [InlineData("structured/Mac_2k.log")]
    [InlineData("structured/pokemon.json")]
    [InlineData("structured/javascript_info_ru.md")]
    [InlineData("structured/es6tutorial_zh.md", false)]
    public void The_format_15_byte_model_round_trips_structured_text_and_codes_it_smaller_than_format_14s_but_Chinese_no_larger(string file, bool smaller = true)
    {
        var data = Head(file, 96 << 10);
        var format14 = FormatSettings.Bytes(6, 14);
        var format15 = FormatSettings.Bytes(6, 15);
        Assert.Equal(ByteContexts.StructuredContexts, format15.Contexts & ~format14.Contexts);
        var before = ByteStreamCoder.Encode(data, format14);
        var after = ByteStreamCoder.Encode(data, format15);
        Bytes.Equal(data, ByteStreamCoder.Decode(after, data.Length, format15));
        // Chinese gains nothing from them: within 0.2% (bench/results/structured-ablation.md).
        if (smaller) Assert.True(after.Length < before.Length, $"{file}: format 15 {after.Length} bytes, format 14 {before.Length}");
        else Assert.True(after.Length * 1000L < before.Length * 1002L, $"{file}: format 15 {after.Length} bytes, format 14 {before.Length}");
    }

    [Fact]
    public void The_fast_levels_keep_format_14s_byte_model_and_refuse_a_header_naming_a_structured_context()
    {
        Assert.Equal(FormatSettings.Bytes(1, 14), FormatSettings.Bytes(1, 15));
        var data = Head("structured/Apache_2k.log", 32 << 10);
        var level6 = FormatSettings.Bytes(6, 15);
        var payload = ByteStreamCoder.Encode(data, level6);
        Assert.Equal(8, level6.HeaderBytes);
        Assert.NotEqual(0, payload[6] | payload[7]); // the fifth and sixth bytes of flags name the structured contexts
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(payload, data.Length, level6 with { Contexts = level6.Contexts & ~ByteContexts.JsonPath }));
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(payload[..7], data.Length, level6));
        var flipped = (byte[])payload.Clone();
        flipped[7] |= 0x80; // flag 47: no context
        Assert.Throws<InvalidDataException>(() => ByteStreamCoder.Decode(flipped, data.Length, level6));
    }

    [Fact]
    public void Logs_CSV_and_JSON_go_to_the_byte_model_and_prose_and_code_to_the_network_at_level_6()
    {
        var level = LevelProfile.For(6);
        foreach (var file in new[] { "structured/Android_2k.log", "structured/HDFS_2k_structured.csv", "structured/pokemon.json" })
            Assert.True(ChunkRouter.BytesWinTrial(File.ReadAllBytes(Repo.SharedCorpusFile(file)), Format.Current, level), file);
        foreach (var file in new[] { "canterbury/alice29.txt", "calgary/paper1", "calgary/progp", "canterbury/cp.html" })
            Assert.False(ChunkRouter.BytesWinTrial(File.ReadAllBytes(Repo.CorpusFile(file)), Format.Current, level), file);
        // Format 14 has no trial.
        Assert.False(ChunkRouter.BytesWinTrial(File.ReadAllBytes(Repo.SharedCorpusFile("structured/Android_2k.log")), Format.Of(14), level));
    }

    [Fact]
    public void A_log_compresses_to_byte_model_chunks_the_same_at_one_and_two_threads_and_round_trips()
    {
        var data = File.ReadAllBytes(Repo.SharedCorpusFile("structured/OpenSSH_2k.log"));
        var one = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = 6, Threads = 1 });
        var two = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = 6, Threads = 2 });
        Bytes.Equal(one, two);
        var info = LmzContainerInfo.Read(new MemoryStream(one));
        Assert.All(info.Chunks, c => Assert.Equal("Bytes", c.Method));
        Bytes.Equal(data, LmzCompressor.Decompress(one));
    }

    [Fact]
    public void Fields_follow_the_delimiter_of_the_line_before_and_ignore_it_inside_quotes()
    {
        var fields = Feed<FieldContexts>("a,b,c\n1,\"x,y\",", (b, k) => new FieldContexts(b, k));
        Assert.Equal(2, fields.Index); // the quoted comma does not count
        var spaced = Feed<FieldContexts>("one two\nuno  dos tres", (b, k) => new FieldContexts(b, k));
        Assert.Equal(2, spaced.Index); // no delimiter seen twice: runs of spaces
        var above = Feed<FieldContexts>("id,name\n7,ab\n7,a", (b, k) => new FieldContexts(b, k));
        Assert.True(above.SameAsAbove);
        Assert.Equal('b', above.Expected);
    }

    [Fact]
    public void A_template_predicts_the_bytes_and_the_number_that_followed_it_the_last_time()
    {
        ByteContexts[] kinds = [ByteContexts.TemplateIndirect, ByteContexts.TemplateNumber];
        ulong[] Contexts(string text)
        {
            var family = Feed(text, (b, k) => new TemplateContexts(b, k), kinds);
            var contexts = new ulong[kinds.Length];
            family.WriteContexts(contexts);
            return contexts;
        }
        // "a=" was last followed by "1\n" (other lines between, of another template).
        Assert.Equal(('1' << 9) | '\n', (int)(Contexts("a=1\nb=2\na=")[0] & 0x1FFFF));
        // The number after "id " was 7, then 8: expected 8 again, or 9 by the same step.
        Assert.Equal((8u << 6) | (9u << 2) | 3u, (uint)(Contexts("id 7\nx\nid 8\nx\nid ")[1] >> 4) & 0x3FF);
        // Once a digit left the step, only the flag of the other guess stays.
        Assert.Equal(2u, (uint)(Contexts("id 17\nid 18\nid 18")[1] >> 4) & 3);
    }

    /// <summary>A context family after the bytes of <paramref name="text"/> (UTF-8), computing <paramref name="kinds"/> (none: only its state).</summary>
    private static T Feed<T>(string text, Func<CodedBytes, ByteContexts[], T> create, ByteContexts[]? kinds = null) where T : ByteContextFamily
    {
        var input = System.Text.Encoding.UTF8.GetBytes(text);
        var bytes = new CodedBytes(input.Length);
        var family = create(bytes, kinds ?? []);
        foreach (byte b in input)
        {
            bytes.Append(b);
            family.ByteDone(b);
        }
        return family;
    }
}
