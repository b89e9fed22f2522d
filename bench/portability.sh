#!/usr/bin/env bash
# Every file decodes on every machine: round trips between this CPU and emulated ones, on both
# network engines. The emulated CPUs (qemu-user):
#   haswell  x64 with AVX2 but no AVX-512 or AVX-VNNI (`qemu-x86_64 -cpu Haswell`), running this build;
#   arm64    ARMv8 with AdvSimd (`qemu-aarch64`), running the linux-arm64 standalone executable
#            (publish profile) with Debian's arm64 libraries as its root.
#   bash bench/portability.sh [BYTES] [LEVEL]     (defaults: 6000 bytes of alice29.txt, level 6)
#   TARGETS=arm64 ENGINES=native bash bench/portability.sh 1500    (default: haswell arm64; native onnxruntime)
#   SAMPLE=corpora/calgary/obj1 bash bench/portability.sh 21504    (another file: binary goes to the byte mixer)
#   SAMPLE="corpora/canterbury/alice29.txt corpora/calgary/obj1" ...  (several files, each cut to BYTES, in one run)
# Needs `bash bench/install-qemu.sh` once (qemu-user 10 and the arm64 root, into bench/.qemu;
# QEMU_X64=PATH picks another qemu-x86_64). Debian 12's qemu 7.2 crashes .NET however it is run
# (bench/results/portability-qemu.md). Emulation is 30-50x slower, so the input is small.
set -euo pipefail
cd "$(dirname "$0")/.."
bytes=${1:-6000}
level=${2:-6}
targets=${TARGETS:-haswell arm64}
engines=${ENGINES:-native onnxruntime}
tools=bench/.qemu
need() { [ -e "$1" ] || { echo "portability: $1 is missing (run: bash bench/install-qemu.sh)" >&2; exit 1; }; }
qemu_x64=${QEMU_X64:-$tools/qemu-x86_64}
for target in $targets; do
  case $target in
    haswell) need "$qemu_x64"
      major=$("$qemu_x64" --version | sed -n '1s/.*version \([0-9]*\)\..*/\1/p')
      [ "${major:-0}" -ge 8 ] || { echo "portability: $qemu_x64 is qemu ${major:-?}, which crashes .NET at random; need 8 or later (run: bash bench/install-qemu.sh)" >&2; exit 1; } ;;
    arm64) need "$tools/qemu-aarch64"; need "$tools/arm64-root/lib/ld-linux-aarch64.so.1" ;;
    *) echo "portability: unknown target '$target' (haswell, arm64)" >&2; exit 1 ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build src/Lmz.Cli -c Release -v q >/dev/null
dll=src/Lmz.Cli/bin/Release/net10.0/Lmz.Cli.dll
dotnet_bin=$(readlink -f "$(command -v dotnet)")
[[ " $targets " == *" arm64 "* ]] && dotnet publish src/Lmz.Cli -p:PublishProfile=linux-arm64 -o "$work/arm64" -v q >/dev/null
read -r -a samples <<<"${SAMPLE:-corpora/canterbury/alice29.txt}"
for i in "${!samples[@]}"; do head -c "$bytes" "${samples[$i]}" > "$work/sample$i"; done
native() { dotnet "$dll" "$@"; }
# .NET writes JIT code through a second, writable mapping of its code pages (W^X), which qemu-user
# does not see as a write to code it has translated: it goes on running stale code and the process
# fails at random (bench/results/portability-qemu.md). One mapping makes the writes visible to it.
emulated() { # TARGET OUTPUT ARGS...
  local target=$1 out=$2
  shift 2
  local run=("$qemu_x64" -cpu Haswell "$dotnet_bin" "$dll")
  [ "$target" = arm64 ] && run=("$tools/qemu-aarch64" -L "$tools/arm64-root" "$work/arm64/lmz")
  DOTNET_EnableWriteXorExecute=0 "${run[@]}" "$@" > "$out" 2> >(grep -v -E '^(qemu(-x86_64|-aarch64)?: warning|onnxruntime cpuid_info warning)' >&2)
}
status=0
check() { # name, expected file, actual file
  if cmp -s "$2" "$3"; then echo "ok    $1"; else echo "FAIL  $1"; status=1; fi
}
timed() { local start=$SECONDS code=0; "$@" || code=$?; echo "      ($((SECONDS - start)) s)" >&2; return $code; }
echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); flags: $(grep -o -w -E 'avx2|avx512f|avx_vnni' /proc/cpuinfo | sort -u | xargs)"
for target in $targets; do
  case $target in
    haswell) echo "haswell: $("$qemu_x64" --version | head -n 1)" ;;
    arm64) echo "arm64: $("$tools/qemu-aarch64" --version | head -n 1)" ;;
  esac
done
for i in "${!samples[@]}"; do
  s="$work/sample$i"
  echo "input: $bytes bytes of ${samples[$i]}, level $level"
  for engine in $engines; do
    timed native -$level -T 1 --engine $engine -c "$s" > "$s.host.$engine.lmz"
    for target in $targets; do
      name="$engine on $target"
      timed emulated $target "$s.$target.$engine.lmz" -$level -T 1 --engine $engine -c "$s" || { echo "FAIL  $name: the emulated run exited $?"; status=1; }
      check "$name: the emulated container equals the host's" "$s.host.$engine.lmz" "$s.$target.$engine.lmz"
      timed emulated $target "$s.host-to-$target.$engine" -d -T 1 --engine $engine -c "$s.host.$engine.lmz" || { echo "FAIL  $name: the emulated run exited $?"; status=1; }
      check "$name: the host's container decodes" "$s" "$s.host-to-$target.$engine"
      timed native -d -T 1 --engine $engine -c "$s.$target.$engine.lmz" > "$s.$target-to-host.$engine"
      check "$name: its container decodes on the host" "$s" "$s.$target-to-host.$engine"
    done
  done
  [ "$engines" = "native onnxruntime" ] && check "native and onnxruntime engines write the same container" "$s.host.native.lmz" "$s.host.onnxruntime.lmz"
  for engine in $engines; do echo "container ($engine): $(stat -c %s "$s.host.$engine.lmz") bytes, methods: $(native -l -v "$s.host.$engine.lmz" | awk 'NR > 4 {print $2}' | sort | uniq -c | xargs)"; done
done
exit $status
