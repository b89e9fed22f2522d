using System.Diagnostics;
using System.Numerics;
using Lmz.Formats;
using Lmz.Methods;
using Lmz.Models.Bits;

namespace Lmz.Bench.Dev;

/// <summary>
/// bytes [--ablate] [--bits N] FILE...: the byte-level context-mixing coder alone on each file
/// (one stream, one thread): size, bits per byte, speed both ways, and a round-trip check.
/// --ablate adds a row per context with that context switched off. --piece N codes the file as
/// independent pieces of N KiB (as the container's chunks are) and sums them. --no-decode skips
/// the decode and its check. --format 7, 8, 9, 11 or 12 runs that format's byte model at level 6 (default: the
/// newest, 5, with the contexts of levels 4–9). --with A,B adds those contexts, --without A,B leaves them out; --classes prints the ideal cost by kind of byte (digit, letter, space, other ASCII, line feed, from 0x80); --options A,B turns on those ByteModelOptions switches; --no-trial keeps the encoder from trying to leave out
/// BytePayloadHeader.TableTrial on a sample (as it does for chunks from 256 KiB). A last line
/// totals the payloads of every file.
/// </summary>
public static class BytesCommand
{
    public static int Run(string[] args)
    {
        bool ablate = args.Contains("--ablate"), decodes = !args.Contains("--no-decode"), trial = !args.Contains("--no-trial");
        int bits = 22, piece = 0, format = Format.Current.Version;
        var without = ByteContexts.None;
        var extra = ByteContexts.None;
        long grandTotal = 0;
        var files = new List<string>();
        string[] options = [];
        bool classes = false;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--ablate" or "--no-decode" or "--no-trial") continue;
            if (args[i] == "--bits") { bits = int.Parse(args[++i]); continue; }
            if (args[i] == "--piece") { piece = int.Parse(args[++i]) << 10; continue; }
            if (args[i] == "--format") { format = int.Parse(args[++i]); continue; }
            if (args[i] == "--with") { extra = args[++i].Split(',').Aggregate(ByteContexts.None, (m, n) => m | Enum.Parse<ByteContexts>(n)); continue; }
            if (args[i] == "--classes") { classes = true; continue; }
            if (args[i] == "--options") { options = args[++i].Split(','); continue; }
            if (args[i] == "--without") { without = args[++i].Split(',').Aggregate(ByteContexts.None, (m, n) => m | Enum.Parse<ByteContexts>(n)); continue; }
            files.Add(args[i]);
        }
        if (files.Count == 0) return AblateCommand.Fail("usage: bytes [--ablate] [--bits N] [--piece KiB] [--no-decode] [--format 7..14] [--with Context,...] [--without Context,...] [--no-trial] [--options Switch,...] FILE...");
        var model = Format.Of((byte)format).Bytes(LevelProfile.For(6)) ?? throw new ArgumentException($"format {format} has no byte model");
        var all = (model.Contexts | extra) & ~without;
        model = model with { Model = WithOptions(model.Model, options) };
        var variants = new List<(string Name, ByteContexts Contexts)> { ("all", all) };
        if (ablate)
            foreach (var k in Enum.GetValues<ByteContexts>().Where(k => BitOperations.IsPow2((ulong)k) && all.HasFlag(k)))
                variants.Add(($"-{k}", all & ~k));
        foreach (var file in files)
        {
            var data = File.ReadAllBytes(file);
            // As the container does: x86 code is coded after the call filter.
            if (X86CallFilter.LooksLikeX86(data)) X86CallFilter.Forward(data);
            foreach (var (name, contexts) in variants)
            {
                var settings = model with { Contexts = contexts, TableBits = bits, Trial = trial };
                var sw = Stopwatch.StartNew();
                if (piece > 0 && piece < data.Length)
                {
                    long total = 0;
                    for (int start = 0; start < data.Length; start += piece)
                        total += ByteStreamCoder.Encode(data.AsSpan(start, Math.Min(piece, data.Length - start)), settings).Length;
                    double seconds = sw.Elapsed.TotalSeconds;
                    if (name == "all") grandTotal += total;
                    Console.WriteLine($"{Path.GetFileName(file),-14} {name,-18} {total,10:N0} B {total * 8.0 / data.Length,7:F4} bpb  c {data.Length / 1024.0 / seconds,7:F0} KB/s  in {piece >> 10} KiB pieces");
                    continue;
                }
                if (classes) PrintClasses(data, settings);
                var payload = ByteStreamCoder.Encode(data, settings);
                double encode = sw.Elapsed.TotalSeconds;
                if (name == "all") grandTotal += payload.Length;
                string check = "";
                double decode = 0;
                if (decodes && (!ablate || name == "all"))
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
        Console.WriteLine($"total {grandTotal:N0} B");
        return 0;
    }

    /// <summary><paramref name="options"/> with the named switches turned on (a bare name) or off (a name after '-').</summary>
    private static ByteModelOptions WithOptions(ByteModelOptions options, string[] names)
    {
        var copy = options with { };
        foreach (var name in names)
        {
            bool on = !name.StartsWith('-');
            var property = typeof(ByteModelOptions).GetProperty(name.TrimStart('-')) ?? throw new ArgumentException($"no byte model switch {name}");
            property.SetValue(copy, on);
        }
        return copy;
    }

    /// <summary>The model's ideal cost of <paramref name="data"/> split by kind of byte.</summary>
    private static void PrintClasses(byte[] data, ByteModelSettings settings)
    {
        string[] names = ["digit", "letter", "space", "other ASCII", "line feed", "0x80 up"];
        var bits = new double[names.Length];
        var counts = new long[names.Length];
        var header = BytePayloadHeader.Choose(data, settings);
        using var model = settings.Create(data.Length, header);
        foreach (byte b in data)
        {
            double cost = 0;
            for (int i = 7; i >= 0; i--)
            {
                int bit = b >> i & 1, p = model.P();
                cost -= Math.Log2((bit == 1 ? p : 4096 - p) / 4096.0);
                model.Update(bit);
            }
            int k = char.IsAsciiDigit((char)b) ? 0 : char.IsAsciiLetter((char)b) ? 1 : b == ' ' ? 2 : b == '\n' ? 4 : b >= 0x80 ? 5 : 3;
            bits[k] += cost;
            counts[k]++;
        }
        for (int k = 0; k < names.Length; k++)
            Console.WriteLine($"  {names[k],-12} {counts[k],9:N0} bytes {bits[k] / 8,10:N0} B  {(counts[k] == 0 ? 0 : bits[k] / counts[k]),6:F3} bits each");
    }
}
