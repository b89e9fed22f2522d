namespace Lmz.Fuzz;

/// <summary>One mutated input and how it was made (printed when it fails).</summary>
internal sealed record Mutant(byte[] Data, string Description);

/// <summary>
/// Random mutations of containers, as a fuzzer's havoc stage makes them: bit flips, random and
/// boundary bytes, random spans, span deletion and duplication, truncation and splices between
/// inputs; with <see cref="ChecksumFixer"/> some mutants get their checksums recomputed, so
/// the parsers and decoders behind the CRCs see corrupt fields and payloads too.
/// </summary>
internal sealed class Mutator(IReadOnlyList<byte[]> pool, Random random)
{
    private static readonly byte[] Boundary = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF];

    /// <summary>Fraction of mutants whose checksums are recomputed after mutation.</summary>
    public double FixChecksums { get; init; } = 0.25;

    public Mutant Next()
    {
        int from = random.Next(pool.Count);
        var data = new List<byte>(pool[from]);
        var steps = new List<string> { $"input {from}" };
        int count = 1 + (random.Next(4) == 0 ? random.Next(4) : 0);
        for (int i = 0; i < count; i++) steps.Add(Apply(data, random.Next(9)));
        var bytes = data.ToArray();
        if (random.NextDouble() < FixChecksums)
        {
            bytes = ChecksumFixer.Fix(bytes);
            steps.Add("checksums fixed");
        }
        return new Mutant(bytes, string.Join(", ", steps));
    }

    /// <summary>Applies mutation <paramref name="kind"/> and says what it did.</summary>
    public string Apply(List<byte> data, int kind)
    {
        if (data.Count == 0) kind = 8;
        switch (kind)
        {
            case 0:
            {
                int at = random.Next(data.Count), bit = random.Next(8);
                data[at] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {at}";
            }
            case 1:
            {
                int at = random.Next(data.Count);
                data[at] = (byte)random.Next(256);
                return $"random byte at {at}";
            }
            case 2:
            {
                int at = random.Next(data.Count);
                data[at] = Boundary[random.Next(Boundary.Length)];
                return $"boundary byte at {at}";
            }
            case 3:
            {
                var (at, length) = Span(data.Count);
                for (int i = at; i < at + length; i++) data[i] = (byte)random.Next(256);
                return $"random span {at}+{length}";
            }
            case 4:
            {
                var (at, length) = Span(data.Count);
                data.RemoveRange(at, length);
                return $"delete span {at}+{length}";
            }
            case 5:
            {
                var (at, length) = Span(data.Count);
                int to = random.Next(data.Count + 1);
                data.InsertRange(to, data.GetRange(at, length));
                return $"duplicate span {at}+{length} to {to}";
            }
            case 6:
            {
                int at = random.Next(data.Count);
                data.RemoveRange(at, data.Count - at);
                return $"truncate to {at}";
            }
            case 7:
            {
                int other = random.Next(pool.Count);
                var donor = pool[other];
                int cut = random.Next(data.Count + 1), start = donor.Length == 0 ? 0 : random.Next(donor.Length);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(donor.AsSpan(start).ToArray());
                return $"splice at {cut} with input {other} from {start}";
            }
            default:
            {
                int at = random.Next(data.Count + 1), length = 1 + random.Next(16);
                var bytes = new byte[length];
                random.NextBytes(bytes);
                data.InsertRange(at, bytes);
                return $"insert {length} random bytes at {at}";
            }
        }
    }

    /// <summary>A random span of a list of <paramref name="count"/> bytes, mostly short.</summary>
    private (int At, int Length) Span(int count)
    {
        int at = random.Next(count);
        int longest = Math.Min(count - at, random.Next(4) == 0 ? 256 : 16);
        return (at, 1 + random.Next(longest));
    }
}
