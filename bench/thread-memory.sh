#!/usr/bin/env bash
# Peak resident memory of `lmz -LEVEL -T N` on a 20 MB text (Silesia dickens twice), for each
# thread count: the measurement behind lmz's thread budget (docs/THREADS.md).
# Usage: bench/thread-memory.sh [LEVEL] [THREADS...]   (defaults: 6, and 2 8 16)
# Needs ../shared/corpora/silesia/dickens and GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-6}; shift || true
threads=("${@:-2 8 16}"); read -r -a threads <<<"${threads[*]}"
dickens=../shared/corpora/silesia/dickens
[ -f "$dickens" ] || { echo "thread-memory: needs $dickens" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "thread-memory: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
out=${OUT:-artifacts/thread-memory}
dotnet build src/Lmz.Cli -c Release -v q -nologo -o "$out/lmz" >/dev/null
lmz="$out/lmz/lmz"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat "$dickens" "$dickens" > "$work/text"
echo "# lmz -$level on $(stat -c %s "$work/text") bytes (dickens twice), $(date -u +%F), commit $(git rev-parse --short HEAD), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "| threads | seconds | peak RSS (MiB) | output bytes |"
echo "|---:|---:|---:|---:|"
# The runs go at once (PARALLEL=1) when the machine's time matters more than their seconds; the peaks are each process's own.
run() {
  /usr/bin/time -o "$work/time.$1" -f "%e %M" "$lmz" -"$level" -T "$1" -c "$work/text" > "$work/out.$1.lmz"
}
for t in "${threads[@]}"; do
  if [ "${PARALLEL:-0}" = 1 ]; then run "$t" & else run "$t"; fi
done
wait
for t in "${threads[@]}"; do
  read -r seconds kib < "$work/time.$t"
  echo "| $t | $seconds | $((kib / 1024)) | $(stat -c %s "$work/out.$t.lmz") |"
done
[ "${PARALLEL:-0}" = 1 ] && echo "(the runs went at once, so their seconds are not speeds)"
cmp -s "$work/out.${threads[0]}.lmz" "$work/out.${threads[-1]}.lmz" && echo "containers identical at every thread count" || { echo "thread-memory: containers differ" >&2; exit 1; }
