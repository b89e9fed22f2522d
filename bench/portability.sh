#!/usr/bin/env bash
# Every file decodes on every machine: round trips between this CPU and an emulated AVX2-only
# CPU (Debian's qemu-user, `-cpu Haswell`: no AVX-512, no AVX-VNNI), on both network engines.
#   bash bench/portability.sh [BYTES] [LEVEL]     (defaults: 6000 bytes of alice29.txt, level 6)
#   ENGINES=onnxruntime bash bench/portability.sh 1500     (one engine; default: native onnxruntime)
#   SAMPLE=corpora/calgary/obj1 ENGINES=native bash bench/portability.sh 21504   (another file: binary goes to the byte mixer)
# Needs: apt-get install qemu-user. qemu runs the whole process (ONNX Runtime included) about 50x
# slower, so the input is small.
set -euo pipefail
cd "$(dirname "$0")/.."
bytes=${1:-6000}
level=${2:-6}
command -v qemu-x86_64 >/dev/null || { echo "portability: qemu-x86_64 not found (apt-get install qemu-user)" >&2; exit 1; }
dotnet build src/Lmz.Cli -c Release -v q >/dev/null
dll=src/Lmz.Cli/bin/Release/net10.0/Lmz.Cli.dll
dotnet_bin=$(readlink -f "$(command -v dotnet)")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c "$bytes" "${SAMPLE:-corpora/canterbury/alice29.txt}" > "$work/sample"
native() { dotnet "$dll" "$@"; }
# qemu-user 7.2 (Debian 12) is unreliable on .NET processes that load the network, on either
# engine and with .NET's vector paths on or off: runs die (SIGSEGV inside the emulator) or throw
# (a corrupted index) at random, while the same run succeeds on a retry and level-2 runs never
# failed. A failed run is retried; only runs that exit 0 are compared, and those must be exact.
retries=0
emulated() { # OUTPUT ARGS...
  local out=$1 attempt code
  shift
  for attempt in 1 2 3 4 5 6 7 8; do
    code=0
    qemu-x86_64 -cpu Haswell "$dotnet_bin" "$dll" "$@" > "$out" 2> >(grep -v -E '^qemu(-x86_64)?: (warning|uncaught target signal)' >&2) || code=$?
    [ "$code" -eq 0 ] && return 0
    retries=$((retries + 1))
  done
  return "$code"
}
status=0
check() { # name, expected file, actual file
  if cmp -s "$2" "$3"; then echo "ok    $1"; else echo "FAIL  $1"; status=1; fi
}
timed() { local start=$SECONDS code=0; "$@" || code=$?; echo "      ($((SECONDS - start)) s)" >&2; return $code; }
echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); flags: $(grep -o -w -E 'avx2|avx512f|avx_vnni' /proc/cpuinfo | sort -u | xargs)"
echo "input: $bytes bytes of alice29.txt, level $level"
engines=${ENGINES:-native onnxruntime}
for engine in $engines; do
  timed native -$level -T 1 --engine $engine -c "$work/sample" > "$work/host.$engine.lmz"
  timed emulated "$work/qemu.$engine.lmz" -$level -T 1 --engine $engine -c "$work/sample" || { echo "FAIL  $engine: qemu run exited $? (after $retries retries in all)"; status=1; }
  check "$engine: container made under qemu (Haswell) equals the host's" "$work/host.$engine.lmz" "$work/qemu.$engine.lmz"
  timed emulated "$work/host-to-qemu.$engine" -d -T 1 --engine $engine -c "$work/host.$engine.lmz" || { echo "FAIL  $engine: qemu run exited $? (after $retries retries in all)"; status=1; }
  check "$engine: host container decodes under qemu" "$work/sample" "$work/host-to-qemu.$engine"
  timed native -d -T 1 --engine $engine -c "$work/qemu.$engine.lmz" > "$work/qemu-to-host.$engine"
  check "$engine: qemu container decodes on the host" "$work/sample" "$work/qemu-to-host.$engine"
done
[ "$engines" = "native onnxruntime" ] && check "native and onnxruntime engines write the same container" "$work/host.native.lmz" "$work/host.onnxruntime.lmz"
for engine in $engines; do echo "container ($engine): $(stat -c %s "$work/host.$engine.lmz") bytes"; done
echo "qemu runs retried after a failure: $retries"
exit $status
