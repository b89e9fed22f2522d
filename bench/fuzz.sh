#!/usr/bin/env bash
# Coverage-guided fuzzing of the decoder and the container listing with afl++ and SharpFuzz.
#   bash bench/fuzz.sh MINUTES [decode|info|decode-fixcrc ...]  afl-fuzz each target (default decode and info)
#                                                 for MINUTES (decode-fixcrc: CRCs recomputed before decoding),
#                                                 resuming its findings under artifacts/fuzz/
#   bash bench/fuzz.sh --replay [N]               the quick in-process fuzz (no afl): seeds, regressions
#                                                 and N random mutations (default 20000); LMZ_FUZZ_SEED fixes the RNG
# Installs afl++ (apt) and SharpFuzz.CommandLine 2.3.0 (into ~/.cache/lmz-fuzz) when missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
project=tests/Lmz.Fuzz/Lmz.Fuzz.csproj
work="$root/artifacts/fuzz"
mkdir -p "$work"

if [[ "${1:-}" == "--replay" ]]; then
  count="${2:-20000}"
  dotnet build -c Release "$project" -o "$work/replay-bin" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  exec dotnet "$work/replay-bin/Lmz.Fuzz.dll" replay --count "$count" ${LMZ_FUZZ_SEED:+--seed "$LMZ_FUZZ_SEED"}
fi

minutes="${1:?usage: bench/fuzz.sh MINUTES [decode|info ...] | --replay [N]}"
shift
targets=("$@")
[[ $# -eq 0 ]] && targets=(decode info)

if ! command -v afl-fuzz >/dev/null; then
  apt-get update -qq && apt-get install -y -qq afl++ >/dev/null
fi
tools="${LMZ_FUZZ_CACHE:-$HOME/.cache/lmz-fuzz}/tools"
if [[ ! -x "$tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

# A fresh copy of the build, whose Lmz.dll is instrumented in place (the repository's own build stays clean).
dotnet build -c Release "$project" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
rm -rf "$work/bin"
cp -r tests/Lmz.Fuzz/bin/Release/net10.0 "$work/bin"
"$tools/sharpfuzz" "$work/bin/Lmz.dll" >"$work/instrument.log" 2>&1 || { cat "$work/instrument.log"; exit 1; }

seeds="$work/seeds"
rm -rf "$seeds" && mkdir -p "$seeds"
cp tests/fuzz/seeds/* "$seeds/"
cp tests/fuzz/regressions/* "$seeds/" 2>/dev/null || true

export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export AFL_FORKSRV_INIT_TMOUT=120000
for target in "${targets[@]}"; do
  out="$work/findings-$target"
  input=(-i "$seeds")
  # Resume: afl-fuzz -i - continues the queue, so executions accumulate across runs.
  [[ -f "$out/default/fuzzer_stats" ]] && input=(-i -)
  echo "afl-fuzz: $target for $minutes min, findings in ${out#$root/}"
  nice -n 10 afl-fuzz "${input[@]}" -o "$out" -t 10000 -m none -V $((minutes * 60)) \
    -- dotnet "$work/bin/Lmz.Fuzz.dll" afl "$target" "$seeds/hybrid.6.lmz" >"$work/afl-$target.log" 2>&1 || {
      tail -30 "$work/afl-$target.log"; exit 1; }
done

for target in decode info decode-fixcrc; do
  stats="$work/findings-$target/default/fuzzer_stats"
  [[ -f "$stats" ]] || continue
  awk -F' *: *' -v t="$target" '
    { v[$1] = $2 }
    END { printf "%-13s executions %s, exec/s %s (last run), paths %s, crashes %s, hangs %s, run time %s s\n",
          t, v["execs_done"], v["execs_per_sec"], v["corpus_count"], v["saved_crashes"], v["saved_hangs"], v["run_time"] }' "$stats"
done
