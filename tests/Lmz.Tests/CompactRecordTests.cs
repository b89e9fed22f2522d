using CsCheck;
using Lmz.Container;
using Lmz.Formats;
using Lmz.Methods;

namespace Lmz.Tests;

/// <summary>Format 13's compact fields: varints with one spelling, and records that read back as written.</summary>
public class CompactRecordTests
{
    [Fact]
    public void Every_varint_reads_back_from_its_shortest_spelling()
    {
        var buffer = new byte[Varint.MaxBytes];
        foreach (int value in new[] { 0, 1, 127, 128, 16383, 16384, (1 << 21) - 1, 1 << 21, 4096, 1 << 20, 64 << 20, Varint.MaxValue })
        {
            int n = Varint.Write(buffer, value);
            Assert.Equal(value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : 4, n);
            Assert.Equal(value, Varint.Read(buffer, out int read, "test"));
            Assert.Equal(n, read);
        }
        // CsCheck samples on several threads at once, so each sample writes to its own buffer.
        Gen.Int[0, Varint.MaxValue].Sample(value =>
        {
            var own = new byte[Varint.MaxBytes];
            int n = Varint.Write(own, value);
            Assert.Equal(value, Varint.Read(own, out int read, "test"));
            Assert.Equal(n, read);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => Varint.Write(buffer, Varint.MaxValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Varint.Write(buffer, -1));
    }

    [Fact]
    public void A_varint_spelled_longer_than_it_needs_or_past_four_bytes_is_invalid_data()
    {
        Assert.Throws<InvalidDataException>(() => Varint.Read([0x85, 0x00], out _, "test")); // 5 with a needless zero byte
        Assert.Throws<InvalidDataException>(() => Varint.Read([0x80, 0x80, 0x00], out _, "test"));
        Assert.Throws<InvalidDataException>(() => Varint.Read([0xFF, 0xFF, 0xFF, 0xFF, 0x01], out _, "test"));
        Assert.Equal(0, Varint.Read([0x00], out _, "test")); // a lone zero is zero's only spelling
    }

    [Fact]
    public void Any_valid_compact_record_reads_back_as_written_and_a_changed_byte_fails_naming_the_chunk()
    {
        var header = new FileHeader(6, 1 << 20, new byte[ContainerFormat.FingerprintSize], InferenceFingerprint.For(LevelProfile.For(6)));
        int longest = header.Format.MaxChunkLength(header.ChunkSize);
        var methods = Enum.GetValues<ChunkMethod>().Where(m => m != ChunkMethod.End).ToArray();
        Gen.Select(Gen.Int[0, methods.Length - 1], Gen.Int[1, longest], Gen.Int[0, 3000], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue])
            .Sample((m, original, payloadCap, tokenSeed, seed) =>
            {
                var method = methods[m];
                int payloadLength = Math.Min(original, payloadCap);
                int tokens = method.CodesTokens() ? tokenSeed % (original + 1) : 0;
                var payload = Bytes.Random(payloadLength, seed);
                var record = new ChunkRecord(method, original, payloadLength, tokens, (uint)seed * 2654435761u);
                byte[] stored = [.. record.ToBytes(payload), .. payload];
                Assert.InRange(stored.Length - payloadLength, 11, ContainerFormat.MaxRecordSize);

                var item = Parse(header, stored);
                Assert.Equal(record, item.Record);
                Assert.Equal(payload, item.Payload);
                Assert.Equal(stored.Length, item.StoredLength);

                var corrupt = (byte[])stored.Clone();
                corrupt[seed % corrupt.Length] ^= (byte)(1 << (seed % 8));
                if (corrupt[0] == (byte)ChunkMethod.End) return; // the method became the end mark: a record of its own
                var error = Assert.Throws<InvalidDataException>(() => Parse(header, corrupt));
                Assert.StartsWith("chunk 3: ", error.Message);
            }, iter: 300);
    }

    private static ContainerParser.Item Parse(FileHeader header, byte[] stored) =>
        new ContainerParser(new MemoryStream(stored)).ReadItemAsync(header, 3, readPayload: true, useAsync: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
}
