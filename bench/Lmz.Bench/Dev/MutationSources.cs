namespace Lmz.Bench.Dev;

/// <summary>A compressed container, what it holds, and a name for the report.</summary>
internal sealed record KnownContainer(string Name, byte[] Container, byte[] Source);

/// <summary>
/// The containers the mutation bench corrupts: small slices of corpus files (text, code, binary,
/// x86, random, repetitive random) at levels 1, 2, 6, 7 and 9, so every chunk method and level is
/// covered, plus containers of several chunks (4 KiB chunks) and joined containers.
/// </summary>
internal static class MutationSources
{
    public static readonly int[] Levels = [1, 2, 6, 7, 9];

    public static List<KnownContainer> Build(TextWriter log)
    {
        var slices = new List<(string Name, byte[] Data)>
        {
            ("alice29.txt[0:400]", Slice("canterbury/alice29.txt", 0, 400)),
            ("fields.c[0:300]", Slice("canterbury/fields.c", 0, 300)),
            ("geo[0:1500]", Slice("calgary/geo", 0, 1500)),
            ("random[300]", Random(300, 1)),
            ("random[2500]x2", [.. Random(2500, 2), .. Random(2500, 2)]),
        };
        string ooffice = Path.Combine(RepoPaths.Root, "..", "shared", "corpora", "silesia", "ooffice");
        if (File.Exists(ooffice)) slices.Add(("ooffice[524287:+4096]", File.ReadAllBytes(ooffice).AsSpan(524287, 4096).ToArray()));
        else log.WriteLine($"(no {ooffice}: no x86 source)");

        var result = new List<KnownContainer>();
        foreach (var (name, data) in slices)
            foreach (int level in Levels)
                result.Add(Compress($"{name} -{level}", data, level, null));
        var paper = Slice("calgary/paper1", 0, 9000);
        result.Add(Compress("paper1[0:9000] -1 4K chunks", paper, 1, 4096));
        result.Add(Compress("paper1[0:9000] -6 4K chunks", paper, 6, 4096));
        result.Add(Compress("empty -6", [], 6, null));
        result.Add(Compress("one byte -1", [(byte)'x'], 1, null));
        var a = result.First(c => c.Name.StartsWith("fields.c", StringComparison.Ordinal) && c.Name.EndsWith("-2", StringComparison.Ordinal));
        var b = result.First(c => c.Name.StartsWith("alice29", StringComparison.Ordinal) && c.Name.EndsWith("-6", StringComparison.Ordinal));
        result.Add(new KnownContainer($"joined ({a.Name}) ({b.Name})", [.. a.Container, .. b.Container], [.. a.Source, .. b.Source]));
        foreach (var c in result)
        {
            var info = LmzContainerInfo.ReadAll(new MemoryStream(c.Container));
            log.WriteLine($"  {c.Name,-40} {c.Source.Length,6} -> {c.Container.Length,5} B  {string.Join(",", info.SelectMany(m => m.Chunks).Select(ch => ch.Method))}");
        }
        return result;
    }

    private static KnownContainer Compress(string name, byte[] data, int level, int? chunkSize) =>
        new(name, LmzCompressor.Compress(data, new LmzCompressionOptions { Level = level, Threads = 1, ChunkSize = chunkSize }), data);

    private static byte[] Slice(string corpusFile, int start, int length) =>
        File.ReadAllBytes(Path.Combine(RepoPaths.Corpora, corpusFile)).AsSpan(start, length).ToArray();

    private static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>The contents of every chunk of <paramref name="known"/>, each a slice of its source.</summary>
    public static List<byte[]> Chunks(IReadOnlyList<KnownContainer> known)
    {
        var chunks = new List<byte[]>();
        foreach (var k in known)
        {
            int at = 0;
            foreach (var chunk in LmzContainerInfo.ReadAll(new MemoryStream(k.Container)).SelectMany(m => m.Chunks))
            {
                chunks.Add(k.Source.AsSpan(at, chunk.OriginalLength).ToArray());
                at += chunk.OriginalLength;
            }
        }
        return chunks;
    }

    /// <summary>
    /// Whether <paramref name="output"/> is a run of whole chunks of the known containers: what a
    /// container spliced from intact records (a chunk's record with its payload is checked as one)
    /// decodes to. Empty output counts only when some container was empty.
    /// </summary>
    public static bool IsIntactChunks(byte[] output, IReadOnlyList<byte[]> chunks)
    {
        var reachable = new bool[output.Length + 1];
        reachable[0] = true;
        for (int at = 0; at < output.Length; at++)
        {
            if (!reachable[at]) continue;
            foreach (var c in chunks)
                if (c.Length > 0 && output.AsSpan(at).StartsWith(c)) reachable[at + c.Length] = true;
        }
        return reachable[output.Length];
    }

    /// <summary>
    /// What a mutant should decode to if it is valid: a run of known containers back to back
    /// (a truncation or splice can land on a member boundary), their sources joined; else null.
    /// </summary>
    public static byte[]? ExpectedIfValid(byte[] mutant, IReadOnlyList<KnownContainer> known)
    {
        var output = new List<byte>();
        int at = 0;
        while (at < mutant.Length)
        {
            var next = known.Where(k => k.Container.Length > 0 && mutant.AsSpan(at).StartsWith(k.Container))
                .OrderByDescending(k => k.Container.Length).FirstOrDefault();
            if (next == null) return null;
            output.AddRange(next.Source);
            at += next.Container.Length;
        }
        return at == 0 ? null : [.. output];
    }
}
