using System.Diagnostics;
using Lmz.Formats;

namespace Lmz.Bench.Corpus;

/// <summary>
/// Progress on stderr. On a terminal one status line is redrawn four times a second (file, compressor,
/// phase, elapsed); otherwise plain lines: one when a slow compressor's run starts and one per finished measurement.
/// </summary>
public sealed class ProgressDisplay : IDisposable
{
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Stopwatch _step = new();
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly Timer? _timer;
    private readonly Lock _lock = new();
    private readonly int _totalSteps;
    private int _doneSteps;
    private string _status = "";
    private string _phase = "";
    private string _file = "";
    private string _codec = "";

    public ProgressDisplay(int totalSteps)
    {
        _totalSteps = totalSteps;
        if (_terminal) _timer = new Timer(_ => Redraw(), null, 250, 250);
    }

    /// <summary>A run of a (file, compressor) pair starts.</summary>
    public void Begin(int fileIndex, int fileCount, CorpusFile file, Codec codec)
    {
        lock (_lock)
        {
            _file = $"[{fileIndex + 1}/{fileCount}] {file.Label} ({file.Length:N0} B)";
            _codec = codec.Name;
            _status = $"{_file}  {codec.Name,-11}";
            _step.Restart();
            if (!_terminal && codec.Slow) Console.Error.WriteLine($"{Prefix()} {_status} ...");
        }
        Redraw();
    }

    /// <summary>The phase inside the current pair ("compress 2/3", "decompress 1/1").</summary>
    public void Phase(string phase)
    {
        lock (_lock) _phase = phase;
        Redraw();
    }

    /// <summary>A pair is done; <paramref name="elapsed"/> is the time its runs took in all.</summary>
    public void End(Measurement m, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _doneSteps++;
            string result = m.Ok
                ? $"{m.CompressedBytes,10:N0} B {m.BitsPerByte,7:F4} bpb  c {m.CompressKibPerSecond,9:F1} KB/s  d {m.DecompressKibPerSecond,9:F1} KB/s"
                : $"FAILED: {m.Error}";
            ClearLine();
            Console.Error.WriteLine($"{Prefix()} {_status}  {result}  ({elapsed.TotalSeconds:F1} s)");
            _phase = "";
        }
    }

    public void Message(string text)
    {
        lock (_lock)
        {
            ClearLine();
            Console.Error.WriteLine(text);
        }
    }

    private string Prefix() => $"{_doneSteps,4}/{_totalSteps} {Format(_total.Elapsed)}";

    private static string Format(TimeSpan t) => $"{(int)t.TotalHours:D2}:{t.Minutes:D2}:{t.Seconds:D2}";

    private void Redraw()
    {
        if (!_terminal) return;
        lock (_lock)
        {
            if (_status.Length == 0) return;
            string line = $"{Prefix()} {_codec} {_phase} {_step.Elapsed.TotalSeconds:F1} s  {_file}";
            int width = SafeWidth() - 1;
            if (line.Length > width) line = line[..width];
            Console.Error.Write($"\r\u001b[K{line}");
        }
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth is > 20 and var w ? w : 120; }
        catch (IOException) { return 120; }
    }

    private void ClearLine()
    {
        if (_terminal) Console.Error.Write("\r\u001b[K");
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_lock) ClearLine();
    }
}
