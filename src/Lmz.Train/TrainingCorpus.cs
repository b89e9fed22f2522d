using System.Diagnostics;
using System.Globalization;

namespace Lmz.Train;

/// <summary>One document of the training shards, as listed in ../shared/train/MANIFEST.tsv.</summary>
public sealed record TrainingDocument(int Index, string Shard, long Offset, int Length, string Source);

/// <summary>
/// Reads the xz-compressed training shards and splits their documents into training and a
/// held-out validation set of whole documents (every <see cref="ValidationStride"/>-th
/// document of the manifest), so validation never overlaps training.
/// </summary>
public sealed class TrainingCorpus(string directory)
{
    public const int ValidationStride = 40;

    public string Directory { get; } = directory;

    public IReadOnlyList<TrainingDocument> Documents { get; } = ReadManifest(directory);

    public static bool IsValidation(TrainingDocument doc) => doc.Index % ValidationStride == ValidationStride - 1;

    /// <summary>
    /// The validation and sampling domain of a shard, from its name (train-NN-KIND.txt.xz):
    /// gutenberg and mixed are prose, tech is documentation markup, code is source code.
    /// </summary>
    public static string DomainOf(string shard) => shard.Split('-') is [_, _, var kind, ..]
        ? kind.Split('.')[0] switch { "gutenberg" or "mixed" => "prose", "tech" => "tech", "code" => "code", var k => k }
        : throw new InvalidDataException($"shard name {shard} is not train-NN-KIND.txt.xz");

    private static List<TrainingDocument> ReadManifest(string directory)
    {
        var docs = new List<TrainingDocument>();
        foreach (var line in File.ReadLines(Path.Combine(directory, "MANIFEST.tsv")).Skip(1))
        {
            var f = line.Split('\t');
            docs.Add(new TrainingDocument(docs.Count, f[0], long.Parse(f[1], CultureInfo.InvariantCulture),
                int.Parse(f[2], CultureInfo.InvariantCulture), f[4] + " " + f[5]));
        }
        return docs;
    }

    /// <summary>Decompresses one shard with the system's xz (the shards are xz -9 streams).</summary>
    public byte[] ReadShard(string shard)
    {
        var psi = new ProcessStartInfo("xz", ["-dc", Path.Combine(Directory, shard)])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start xz");
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidDataException($"xz failed on {shard}");
        return buffer.ToArray();
    }

    /// <summary>Yields every document's bytes, shard by shard, in manifest order.</summary>
    public IEnumerable<(TrainingDocument Doc, ReadOnlyMemory<byte> Bytes)> ReadAll()
    {
        foreach (var group in Documents.GroupBy(d => d.Shard))
        {
            var shard = ReadShard(group.Key);
            foreach (var doc in group)
                yield return (doc, shard.AsMemory((int)doc.Offset, doc.Length));
        }
    }
}
