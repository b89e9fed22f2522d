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
dotnet build src/Lmz.Cli -c Release -v q -nologo >/dev/null
lmz=src/Lmz.Cli/bin/Release/net10.0/lmz
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat "$dickens" "$dickens" > "$work/text"
echo "# lmz -$level on $(stat -c %s "$work/text") bytes (dickens twice), $(date -u +%F), commit $(git rev-parse --short HEAD), $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "| threads | seconds | peak RSS (MiB) | output bytes |"
echo "|---:|---:|---:|---:|"
for t in "${threads[@]}"; do
  /usr/bin/time -o "$work/time" -f "%e %M" "$lmz" -"$level" -T "$t" -c "$work/text" > "$work/out.lmz"
  read -r seconds kib < "$work/time"
  echo "| $t | $seconds | $((kib / 1024)) | $(stat -c %s "$work/out.lmz") |"
done
