using Route = Lmz.Tests.CorruptionTests.Route;
using Lmz.Container;

namespace Lmz.Tests;

/// <summary>
/// Containers joined back to back (members, as gzip calls them) decode to the concatenation of
/// their contents, on every decoding route; a damaged or cut later member, or bytes after the last
/// end record that start no member, still throw InvalidDataException, and the message names the member.
/// </summary>
public class ConcatenationTests
{
    // Two small pieces of alice29.txt at different levels and chunk sizes, and an empty member between them.
    private static readonly Lazy<(byte[] Original, byte[] First, byte[] Empty, byte[] Second)> Members = new(() =>
    {
        var first = Repo.Alice[..700];
        var second = Repo.Alice[700..1500];
        return ([.. first, .. second],
            LmzCompressor.Compress(first, Options.Level1()),
            LmzCompressor.Compress([], Options.Level1()),
            LmzCompressor.Compress(second, Options.Level1(4096) with { Level = 2 }));
    });

    private static byte[] Joined => [.. Members.Value.First, .. Members.Value.Empty, .. Members.Value.Second];

    [Theory]
    [InlineData(Route.Compressor)]
    [InlineData(Route.SyncStream)]
    [InlineData(Route.AsyncStream)]
    public void Members_decode_to_the_concatenation_of_their_contents(Route route)
    {
        Bytes.Equal(Members.Value.Original, CorruptionTests.Decode(Joined, route));
    }

    [Fact]
    public void A_reader_that_returns_a_few_bytes_at_a_time_still_finds_every_member()
    {
        using var stream = new LmzDecompressionStream(new NonSeekableStream(Joined, maxRead: 7), Options.Decode());
        var output = new MemoryStream();
        stream.CopyTo(output);
        Bytes.Equal(Members.Value.Original, output.ToArray());
    }

    [Fact]
    public void Every_cut_inside_the_second_member_throws_and_names_it()
    {
        var joined = Joined;
        int secondStart = joined.Length - Members.Value.Second.Length;
        for (int length = secondStart + ContainerFormat.Magic.Length; length < joined.Length; length++)
        {
            var ex = CorruptionTests.DecodeExpectingFailure(joined[..length], Route.Compressor, $"cut at {length}");
            Assert.True(ex is InvalidDataException, $"cut at {length}: {ex.GetType().Name}: {ex.Message}");
            Assert.StartsWith("member 3: ", ex.Message);
        }
    }

    [Fact]
    public void A_corrupt_byte_in_a_later_member_throws_and_names_it()
    {
        var joined = Joined;
        joined[^30] ^= 0x40; // inside the second non-empty member's last payload or record
        foreach (var route in Enum.GetValues<Route>())
        {
            var ex = CorruptionTests.DecodeExpectingFailure(joined, route, $"{route}");
            Assert.True(ex is InvalidDataException, $"{route}: {ex.GetType().Name}: {ex.Message}");
            Assert.StartsWith("member 3: ", ex.Message);
        }
    }

    [Fact]
    public void Garbage_after_the_last_member_is_still_an_error()
    {
        foreach (var tail in new byte[][] { [0], "LM"u8.ToArray(), "not lmz"u8.ToArray(), new byte[512] })
        {
            var ex = CorruptionTests.DecodeExpectingFailure([.. Joined, .. tail], Route.Compressor, $"{tail.Length} trailing bytes");
            Assert.Equal("member 3: trailing garbage after the end record", ex.Message);
        }
    }

    [Fact]
    public void Container_info_reads_every_member()
    {
        var (_, first, empty, second) = Members.Value;

        var members = LmzContainerInfo.ReadAll(new NonSeekableStream(Joined));

        Assert.Equal([first.Length, empty.Length, second.Length], members.Select(m => m.CompressedLength));
        Assert.Equal([700L, 0, 800], members.Select(m => m.UncompressedLength));
        Assert.Equal([1, 1, 2], members.Select(m => m.Level));
        var single = Assert.Throws<InvalidDataException>(() => LmzContainerInfo.Read(new MemoryStream(Joined)));
        Assert.Contains("3 containers", single.Message);
        var cut = Assert.Throws<InvalidDataException>(() => LmzContainerInfo.ReadAll(new MemoryStream(Joined[..^1])));
        Assert.StartsWith("member 3: ", cut.Message);
        var garbage = Assert.Throws<InvalidDataException>(() => LmzContainerInfo.ReadAll(new MemoryStream([.. Joined, 1])));
        Assert.Equal("member 3: trailing garbage after the end record", garbage.Message);
    }
}
