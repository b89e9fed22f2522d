namespace Lmz.Tests;

/// <summary>
/// The fuzz inputs under tests/fuzz: every seed decodes or is rejected with InvalidDataException,
/// and every saved finding (regressions/) is rejected by the decoder with InvalidDataException and
/// listed or rejected by the container listing (which decodes nothing, so a finding behind valid
/// CRCs lists). Anything else escaping was a bug the fuzzers found.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static readonly LmzDecompressionOptions OneThread = new() { Threads = 1 };

    private static IEnumerable<string> Files(string folder)
    {
        string dir = Path.Combine(Repo.Root, "tests", "fuzz", folder);
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Order(StringComparer.Ordinal) : [];
    }

    /// <summary>"decoded", "rejected", or the unexpected exception, for each API.</summary>
    private static IEnumerable<(string Api, string Result)> Outcomes(byte[] data)
    {
        yield return ("Decompress", Outcome(() => LmzCompressor.Decompress(new MemoryStream(data), Stream.Null, OneThread)));
        yield return ("ReadAll", Outcome(() => LmzContainerInfo.ReadAll(new MemoryStream(data))));
    }

    private static string Outcome(Action action)
    {
        try
        {
            action();
            return "decoded";
        }
        catch (InvalidDataException)
        {
            return "rejected";
        }
        catch (Exception e)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    [Fact]
    public void Every_seed_decodes_or_is_rejected_as_invalid()
    {
        var seeds = Files("seeds").ToList();
        Assert.NotEmpty(seeds);
        var failures = seeds.SelectMany(f => Outcomes(File.ReadAllBytes(f))
                .Where(o => o.Result is not ("decoded" or "rejected")).Select(o => $"{Path.GetFileName(f)} {o.Api}: {o.Result}"))
            .ToList();
        Assert.Empty(failures);
    }

    [Fact]
    public void Seeds_named_as_containers_decode()
    {
        var failures = Files("seeds").Where(f => f.EndsWith(".lmz", StringComparison.Ordinal))
            .SelectMany(f => Outcomes(File.ReadAllBytes(f)).Where(o => o.Result != "decoded").Select(o => $"{Path.GetFileName(f)} {o.Api}: {o.Result}"))
            .ToList();
        Assert.Empty(failures);
    }

    [Fact]
    public void Every_saved_finding_is_rejected_as_invalid()
    {
        var failures = Files("regressions").Prepend("(empty input)")
            .SelectMany(f => Outcomes(f == "(empty input)" ? [] : File.ReadAllBytes(f))
                .Where(o => o.Api == "Decompress" ? o.Result != "rejected" : o.Result is not ("decoded" or "rejected"))
                .Select(o => $"{Path.GetFileName(f)} {o.Api}: {o.Result}"))
            .ToList();
        Assert.Empty(failures);
    }
}
