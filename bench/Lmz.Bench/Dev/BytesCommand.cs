using System.Diagnostics;
using Lmz.Bytes;

namespace Lmz.Bench.Dev;

/// <summary>
/// bytes [--ablate] [--bits N] FILE...: the byte-level context-mixing coder alone on each file
/// (one stream, one thread): size, bits per byte, speed both ways, and a round-trip check.
/// --ablate adds a row per context with that context switched off.
/// </summary>
public static class BytesCommand
{
    public static int Run(string[] args)
    {
        bool ablate = args.Contains("--ablate");
        int bits = 22;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ablate") continue;
            if (args[i] == "--bits") { bits = int.Parse(args[++i]); continue; }
            files.Add(args[i]);
        }
        if (files.Count == 0) return AblateCommand.Fail("usage: bytes [--ablate] [--bits N] FILE...");
        var variants = new List<(string Name, ByteContexts Contexts)> { ("all", ByteContexts.All) };
        if (ablate)
            foreach (var k in Enum.GetValues<ByteContexts>().Where(k => k is not (ByteContexts.None or ByteContexts.All)))
                variants.Add(($"-{k}", ByteContexts.All & ~k));
        foreach (var file in files)
        {
            var data = File.ReadAllBytes(file);
            foreach (var (name, contexts) in variants)
            {
                var settings = new ByteModelSettings(contexts, bits);
                var sw = Stopwatch.StartNew();
                var payload = ByteStreamCoder.Encode(data, settings);
                double encode = sw.Elapsed.TotalSeconds;
                string check = "";
                double decode = 0;
                if (!ablate || name == "all")
                {
                    sw.Restart();
                    var back = ByteStreamCoder.Decode(payload, data.Length, settings);
                    decode = sw.Elapsed.TotalSeconds;
                    check = back.AsSpan().SequenceEqual(data) ? " ok" : " MISMATCH";
                }
                Console.WriteLine($"{Path.GetFileName(file),-14} {name,-18} {payload.Length,10:N0} B {payload.Length * 8.0 / data.Length,7:F4} bpb  c {data.Length / 1024.0 / encode,7:F0} KB/s" +
                    (decode > 0 ? $"  d {data.Length / 1024.0 / decode,7:F0} KB/s{check}" : ""));
            }
        }
        return 0;
    }
}
