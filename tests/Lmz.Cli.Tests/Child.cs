using System.Diagnostics;

namespace Lmz.Cli.Tests;

/// <summary>
/// Child processes with a bound on every wait: a child still running when its limit is reached is
/// killed with its own children, and the test fails saying which command hung.
/// </summary>
internal static class Child
{
    /// <summary>The built lmz (Lmz.Cli.dll beside the test assembly) with its arguments, every stream redirected.</summary>
    public static ProcessStartInfo Lmz(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Lmz.Cli.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    /// <summary>Runs to the end: writes <paramref name="stdin"/> (closing it), collects stdout and stderr.</summary>
    public static (int ExitCode, byte[] Stdout, string Error) Run(ProcessStartInfo info, TimeSpan limit, byte[]? stdin = null)
    {
        info.RedirectStandardInput = info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin != null) process.StandardInput.BaseStream.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child may exit (or fail) before reading all of its input; its exit code says what happened.
        }
        WaitOrKill(process, limit, Describe(info));
        copy.Wait();
        return (process.ExitCode, stdout.ToArray(), error.Result);
    }

    /// <summary>Waits for the exit; past <paramref name="limit"/> kills the child's tree and fails.</summary>
    public static void WaitOrKill(Process process, TimeSpan limit, string what)
    {
        if (process.WaitForExit(limit)) return;
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended between the wait and the kill.
        }
        Assert.Fail($"{what}: still running after {limit.TotalSeconds:F0} s; killed");
    }

    private static string Describe(ProcessStartInfo info)
    {
        string command = string.Join(' ', [info.FileName, .. info.ArgumentList]);
        return command.Length <= 300 ? command : command[..300] + $" … ({info.ArgumentList.Count} arguments)";
    }
}
