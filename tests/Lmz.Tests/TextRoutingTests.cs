using System.Text;
using Lmz.Methods;

namespace Lmz.Tests;

/// <summary>Which chunks the default level sends through the network and which to the byte mixer.</summary>
public sealed class TextRoutingTests
{
    // The last 22,525 bytes of enwik8_small: wiki markup with interlanguage links,
    // whose non-ASCII letters (1% of the bytes) the tokenizer spells byte by byte.
    private static readonly Lazy<byte[]> WikiTail = new(() =>
        File.ReadAllBytes(Repo.SharedCorpusFile("enwik/enwik8_small_ws-stripped"))[1_048_526..]);

    [Fact]
    public void Wiki_text_with_non_ascii_letters_spelled_byte_by_byte_goes_through_the_network()
    {
        var text = WikiTail.Value;
        Assert.True(Encoding.UTF8.GetString(text).Count(c => c > 127) * 100 > text.Length, "the sample lost its non-ASCII letters");
        var container = RoundTrip(text);
        Assert.Equal(nameof(ChunkMethod.TokenHybrid), Assert.Single(LmzContainerInfo.Read(new MemoryStream(container)).Chunks).Method);
    }

    [Fact]
    public void The_same_text_with_over_one_percent_of_invalid_utf8_goes_to_the_byte_mixer()
    {
        // Each non-ASCII letter becomes 0xFF 0xFE, which no UTF-8 sequence contains: 2% of the bytes.
        var mangled = new List<byte>();
        foreach (var rune in Encoding.UTF8.GetString(WikiTail.Value).EnumerateRunes())
        {
            if (rune.IsAscii) mangled.Add((byte)rune.Value);
            else mangled.AddRange([0xFF, 0xFE]);
        }
        var container = RoundTrip([.. mangled]);
        Assert.Equal(nameof(ChunkMethod.Bytes), Assert.Single(LmzContainerInfo.Read(new MemoryStream(container)).Chunks).Method);
    }

    private static byte[] RoundTrip(byte[] data)
    {
        var container = LmzCompressor.Compress(data, new LmzCompressionOptions { Level = LmzCompressionOptions.DefaultLevel, Threads = 2 });
        Assert.Equal(data, LmzCompressor.Decompress(container));
        return container;
    }
}
