namespace Lmz.Cli;

/// <summary>
/// `lmz -l`: one table row per file from the container headers (no decoding), one per member for
/// a file of several containers joined; a totals row under more than one row; -v adds one row per chunk.
/// </summary>
public sealed class ContainerLister(CliSettings settings, IReadOnlyList<string> inputs, CliConsole console, Diagnostics diagnostics)
{
    private const string RowFormat = "{0,12} {1,14} {2,7} {3,7} {4,7}  {5}  {6}";
    private const string ChunkFormat = "    {0,7}  {1,-10} {2,12} {3,12} {4,10} {5,7}";

    private sealed record Row(string Name, LmzContainerInfo Info);

    public void Run()
    {
        var rows = new List<Row>();
        foreach (var input in inputs)
        {
            if (Read(input) is not { } members) continue;
            string name = input == CliSettings.StdinName ? "(stdin)" : input;
            if (members.Count == 1) rows.Add(new Row(name, members[0]));
            else rows.AddRange(members.Select((info, i) => new Row($"{name} (member {i + 1} of {members.Count})", info)));
        }
        if (rows.Count == 0) return;
        int methodsWidth = Math.Max("methods".Length, rows.Max(r => Methods(r.Info.Chunks).Length));
        var output = console.Out;
        output.WriteLine(string.Format(RowFormat, "compressed", "uncompressed", "ratio", "bpb", "chunks", "methods".PadRight(methodsWidth), "name"));
        foreach (var row in rows)
        {
            WriteRow(output, methodsWidth, row.Info.CompressedLength, row.Info.UncompressedLength, row.Info.Chunks, row.Name);
            if (settings.Verbose) WriteChunks(output, row.Info);
        }
        if (rows.Count > 1)
        {
            WriteRow(output, methodsWidth, rows.Sum(r => r.Info.CompressedLength), rows.Sum(r => r.Info.UncompressedLength),
                rows.SelectMany(r => r.Info.Chunks).ToList(), "(totals)");
        }
    }

    private IReadOnlyList<LmzContainerInfo>? Read(string input)
    {
        bool isStdin = input == CliSettings.StdinName;
        string display = isStdin ? "(stdin)" : input;
        try
        {
            if (isStdin) return LmzContainerInfo.ReadAll(console.Stdin);
            if (Directory.Exists(input))
            {
                diagnostics.Warning(input, "is a directory -- ignored");
                return null;
            }
            if (!File.Exists(input))
            {
                diagnostics.Error(input, "No such file or directory");
                return null;
            }
            using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read);
            return LmzContainerInfo.ReadAll(stream);
        }
        catch (Exception exception)
        {
            diagnostics.Error(display, Diagnostics.Reason(exception));
            return null;
        }
    }

    private static void WriteRow(TextWriter output, int methodsWidth, long compressed, long uncompressed, IReadOnlyList<LmzChunkInfo> chunks, string name)
    {
        string ratio = uncompressed == 0 ? "-" : $"{100.0 * compressed / uncompressed:F1}%";
        string bitsPerByte = uncompressed == 0 ? "-" : $"{8.0 * compressed / uncompressed:F3}";
        output.WriteLine(string.Format(RowFormat, compressed, uncompressed, ratio, bitsPerByte, chunks.Count, Methods(chunks).PadRight(methodsWidth), name));
    }

    private static void WriteChunks(TextWriter output, LmzContainerInfo info)
    {
        output.WriteLine($"    level {info.Level}, chunk size {info.ChunkSize}, model {info.ModelFingerprint}");
        output.WriteLine(string.Format(ChunkFormat, "chunk", "method", "original", "stored", "tokens", "bpb"));
        for (int i = 0; i < info.Chunks.Count; i++)
        {
            var chunk = info.Chunks[i];
            string bitsPerByte = chunk.OriginalLength == 0 ? "-" : $"{8.0 * chunk.StoredLength / chunk.OriginalLength:F3}";
            output.WriteLine(string.Format(ChunkFormat, i, MethodName(chunk.Method), chunk.OriginalLength, chunk.StoredLength, chunk.TokenCount, bitsPerByte));
        }
    }

    /// <summary>Chunk counts per method, e.g. "predictors:3 lz4:1".</summary>
    public static string Methods(IEnumerable<LmzChunkInfo> chunks) =>
        string.Join(" ", chunks.GroupBy(c => MethodName(c.Method)).Select(g => $"{g.Key}:{g.Count()}"));

    public static string MethodName(string method) => method switch
    {
        "TokenPredictors" => "predictors",
        "TokenNeural" => "neural",
        "TokenHybrid" => "hybrid",
        "BytesX86" => "bytes-x86",
        _ => method.ToLowerInvariant(),
    };
}
