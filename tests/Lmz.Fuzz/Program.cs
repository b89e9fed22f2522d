using SharpFuzz;
using Lmz.Fuzz;

// afl TARGET: the afl++ persistent loop (under bench/fuzz.sh). replay [...]: the quick in-process fuzz for CI.
// run TARGET FILE...: each file once, for triage.
if (args.Length >= 2 && args[0] == "afl")
{
    var target = Targets.For(args[1]);
    byte[]? warmUp = args.Length > 2 ? File.ReadAllBytes(args[2]) : null;
    Fuzzer.Run(stream =>
    {
        // Instrumented code may run only inside the loop, so the first input loads the model bundle
        // and ONNX Runtime by decoding a seed first; the process keeps them for every later input.
        if (warmUp != null) target(new MemoryStream(warmUp));
        warmUp = null;
        target(stream);
    });
    return 0;
}
if (args.Length >= 1 && args[0] == "replay") return Replay.Run(args[1..]);
if (args.Length >= 3 && args[0] == "run")
{
    var target = Targets.For(args[1]);
    foreach (var file in args[2..]) Console.WriteLine($"{file}: {target(new MemoryStream(File.ReadAllBytes(file)))}");
    return 0;
}
Console.Error.WriteLine("usage: Lmz.Fuzz afl decode|info|decode-fixcrc [WARMUP-FILE]\n       Lmz.Fuzz replay [--count N] [--seed S] [--target decode|info] [DIR...]\n       Lmz.Fuzz run decode|info FILE...");
return 2;
