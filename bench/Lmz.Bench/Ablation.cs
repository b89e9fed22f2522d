using System.Diagnostics;
using Lmz.Coding;
using Lmz.Modeling;
using Lmz.Tokenization;

namespace Lmz.Bench;

/// <summary>Codes files with chosen predictor sets and prints bits per byte of the coded payload.</summary>
public static class Ablation
{
    public static void Run(string tokenizerPath, IEnumerable<string> files, Func<int, TokenEnsemble> factory, string label)
    {
        var tokenizer = LmzTokenizer.Load(tokenizerPath);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var ids = new List<int>();
            tokenizer.Encode(bytes, ids);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var payload = TokenStreamCoder.Encode([ids.ToArray()], factory, null, 1, default)[0];
            double seconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"{label,-28} {Path.GetFileName(file),-14} {bytes.Length,9} B {ids.Count,8} tok  {payload.Length * 8.0 / bytes.Length:F4} bpb  {bytes.Length / 1024.0 / seconds,8:F1} KB/cpu-s");
        }
    }
}
