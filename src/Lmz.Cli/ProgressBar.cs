namespace Lmz.Cli;

/// <summary>
/// One self-overwriting stderr line: name, bytes done, percent and ETA (when the input size is known),
/// speed and elapsed time. Redrawn with \r at most five times a second, from library reports and from a
/// timer (the library reports only once per group of chunks); cleared on dispose.
/// </summary>
public sealed class ProgressBar : IProgress<LmzProgress>, IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly TextWriter _error;
    private readonly string _name;
    private readonly long? _inputLength;
    private readonly bool _decompressing;
    private readonly int _width;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private LmzProgress _last;
    private TimeSpan? _lastDraw;
    private int _drawnLength;
    private bool _disposed;

    /// <param name="time">The clock and the redraw timer; the system's unless a test drives them.</param>
    public ProgressBar(TextWriter error, string name, long? inputLength, bool decompressing, int width = 0, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        _error = error;
        _name = name;
        _inputLength = inputLength;
        _decompressing = decompressing;
        _width = width > 0 ? width : TerminalWidth();
        _timer = _time.CreateTimer(_ => Draw(), null, Interval, Interval);
    }

    /// <summary>A bar only when stderr is a terminal and neither -q nor --no-progress was given.</summary>
    public static ProgressBar? Create(CliSettings settings, CliConsole console, string name, long? inputLength, bool decompressing) =>
        console.StderrIsTerminal && !settings.Quiet && !settings.NoProgress ? new ProgressBar(console.Error, name, inputLength, decompressing) : null;

    public void Report(LmzProgress value)
    {
        lock (_lock) _last = value;
        Draw();
    }

    /// <summary>The line as it would be drawn now (public for tests).</summary>
    public string Render()
    {
        LmzProgress progress;
        lock (_lock) progress = _last;
        long done = _decompressing ? progress.CompressedBytes : progress.UncompressedBytes;
        double seconds = Math.Max(Elapsed.TotalSeconds, 1e-3);
        double speed = done / seconds;
        string line = $"{_name}: {Bytes(done)}";
        if (_inputLength is > 0 and var total)
        {
            line += $" / {Bytes(total)} {100.0 * done / total,5:F1}%";
            if (done > 0 && done < total) line += $"  ETA {Duration((total - done) / speed)}";
        }
        if (done > 0) line += $"  {Bytes((long)speed)}/s";
        line += $"  {Duration(seconds)}";
        return line.Length < _width ? line : line[..Math.Max(0, _width - 1)];
    }

    private TimeSpan Elapsed => _time.GetElapsedTime(_start);

    private void Draw()
    {
        lock (_lock)
        {
            if (_disposed) return;
            var now = Elapsed;
            if (_lastDraw is { } last && now - last < Interval) return;
            _lastDraw = now;
            string line = Render();
            _error.Write("\r" + line.PadRight(_drawnLength));
            _error.Flush();
            _drawnLength = line.Length;
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            if (_drawnLength > 0)
            {
                _error.Write("\r" + new string(' ', _drawnLength) + "\r");
                _error.Flush();
            }
        }
    }

    public static string Bytes(long count) => count switch
    {
        < 1L << 10 => $"{count} B",
        < 1L << 20 => $"{count / 1024.0:F1} KiB",
        < 1L << 30 => $"{count / 1048576.0:F1} MiB",
        _ => $"{count / 1073741824.0:F2} GiB",
    };

    public static string Duration(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Min(seconds, 359999));
        return time.TotalHours >= 1 ? $"{(int)time.TotalHours}:{time:mm\\:ss}" : $"{time:m\\:ss}";
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (Exception exception) when (exception is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }
}
