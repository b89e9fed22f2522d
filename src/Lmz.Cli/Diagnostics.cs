namespace Lmz.Cli;

/// <summary>Writes "lmz: FILE: reason" lines and keeps the exit code: 0 ok, 2 warning, 1 error (error wins).</summary>
public sealed class Diagnostics(TextWriter error, bool quiet, string name = "lmz")
{
    public const int Ok = 0;
    public const int ErrorCode = 1;
    public const int WarningCode = 2;
    public const int InterruptedCode = 130;

    private bool _hadError;
    private bool _hadWarning;

    public int ExitCode => _hadError ? ErrorCode : _hadWarning ? WarningCode : Ok;

    public void Error(string message)
    {
        _hadError = true;
        error.WriteLine($"{name}: {message}");
    }

    public void Error(string file, string reason) => Error($"{file}: {reason}");

    /// <summary>Warnings still count towards exit code 2 under -q; only the text is suppressed.</summary>
    public void Warning(string file, string reason)
    {
        _hadWarning = true;
        if (!quiet) error.WriteLine($"{name}: {file}: {reason}");
    }

    /// <summary>The line to show for a failure: the exception's own message, never a stack trace.</summary>
    public static string Reason(Exception exception) => Unwrap(exception).Message;

    /// <summary>Parallel loops in the library wrap a single failure in an AggregateException.</summary>
    public static Exception Unwrap(Exception exception) =>
        exception is AggregateException aggregate && aggregate.Flatten().InnerExceptions is [var single] ? Unwrap(single) : exception;
}
