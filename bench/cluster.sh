#!/usr/bin/env bash
# lmz-cluster on this machine: throughput of 1 and 2 workers (one thread each) against local
# `lmz -T 2` on the same input, the cost per segment of dispatch and transfer, the peak memory of the
# client and of each worker, and a worked estimate for N machines. Writes bench/results/cluster.md.
#   bash bench/cluster.sh [FILE] [LEVEL] [SEGMENT]   (defaults: the first 8 MiB of ../shared silesia/dickens, 1, 1M)
# Needs redis-server (apt-get install redis-server) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${2:-1}
segment=${3:-1M}
dotnet build src/Lmz.Cluster -c Release -v q >/dev/null
bin=src/Lmz.Cluster/bin/Release/net10.0
lmz=$bin/lmz
cluster=$bin/lmz-cluster
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
input=$work/input
if [ -n "${1:-}" ]; then cp "$1" "$input"; name=$(basename "$1"); else head -c $((8 << 20)) ../shared/corpora/silesia/dickens > "$input"; name="dickens (first 8 MiB)"; fi
bytes=$(stat -c %s "$input")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null & pids+=($!)
redis=127.0.0.1:$redis_port
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.2; done

declare -A worker_pid
start_worker() { # N: start worker N (one thread), wait until ready
  "$cluster" worker --redis "$redis" -T 1 --port "$(free_port)" --gateway-port "$(free_port)" 2> "$work/worker$1.log" & worker_pid[$1]=$!; pids+=($!)
  until grep -qs ' ready: ' "$work/worker$1.log"; do sleep 0.2; done
}
peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
timed() { # OUT LABEL -- command...: seconds and peak KiB of the command into $work/LABEL.time
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/$label.time" "$@"
}
seconds() { cut -d' ' -f1 "$work/$1.time"; }
rss_mib() { echo $(( $(cut -d' ' -f2 "$work/$1.time") / 1024 )); }

# Local baselines: the whole file with two threads, and the same segments one after another on one thread.
timed local "$lmz" -$level -T 2 -c "$input" > "$work/local.lmz"
timed local1 "$lmz" -$level -T 1 --segment-size "$segment" -c "$input" > "$work/segments.lmz"
start_worker 1
timed one "$cluster" -v -$level --segment-size "$segment" --redis "$redis" -c "$input" > "$work/one.lmz" 2> "$work/one.log"
one_rss=$(peak_kib "${worker_pid[1]}")
start_worker 2
timed two "$cluster" -v -$level --segment-size "$segment" --redis "$redis" -c "$input" > "$work/two.lmz" 2> "$work/two.log"
two_rss="$(peak_kib "${worker_pid[1]}") and $(peak_kib "${worker_pid[2]}")"
timed back "$cluster" -d --redis "$redis" -c "$work/two.lmz" > "$work/back"
cmp "$work/one.lmz" "$work/segments.lmz" && cmp "$work/two.lmz" "$work/segments.lmz" && cmp "$work/back" "$input"
segments=$("$lmz" -l "$work/two.lmz" | grep -c 'member ')
[ "$segments" -gt 0 ] || segments=1

# Cost per segment: the client's -v summary (round trip of each segment minus the worker's coding time),
# for many small segments (64 KiB) on one worker as well as for the runs above.
head -c $((2 << 20)) "$input" > "$work/small"
timed small_local "$lmz" -1 -T 1 --segment-size 64K -c "$work/small" > "$work/small.lmz"
kill "${worker_pid[2]}"; wait "${worker_pid[2]}" 2>/dev/null || true
timed small_one "$cluster" -v -1 --segment-size 64K --redis "$redis" -c "$work/small" > "$work/small1.lmz" 2> "$work/small_one.log"
cmp "$work/small.lmz" "$work/small1.lmz"

python3 - "$work" "$bytes" "$segments" "$name" "$level" "$segment" "$one_rss" "$two_rss" "$(git rev-parse --short=12 HEAD)" > bench/results/cluster.md <<'PY'
import sys, datetime, platform, os
work, size, segments, name, level, segment, one_rss, two_rss, commit = sys.argv[1:]
size, segments = int(size), int(segments)
t = {k: tuple(map(float, open(f"{work}/{k}.time").read().split())) for k in ["local", "local1", "one", "two", "back", "small_local", "small_one"]}
def rate(k): return size / t[k][0] / 1024
import re
small_segments = (2 << 20) // (64 << 10)
def cost(k): return float(re.search(r"cost (\d+) ms per segment", open(f"{work}/{k}.log").read()).group(1))
print(f"# lmz-cluster on one machine\n")
print(f"{datetime.date.today()}, commit {commit}, {os.cpu_count()} cores ({platform.processor() or platform.machine()}), `bash bench/cluster.sh`.")
print(f"Input: {name}, {size:,} bytes, level {level}, segments of {segment} ({segments} members). Workers run one thread each, on loopback, beside the client.\n")
print("| run | seconds | KB/s | against local -T 2 | peak RSS of the client |")
print("|---|---:|---:|---:|---:|")
for k, label in [("local", "local `lmz -T 2` (one member)"), ("local1", f"local `lmz -T 1 --segment-size {segment}`"), ("one", "lmz-cluster, 1 worker"), ("two", "lmz-cluster, 2 workers"), ("back", "lmz-cluster -d, 2 workers")]:
    print(f"| {label} | {t[k][0]:.1f} | {rate(k):.0f} | {rate(k) / rate('local') * 100:.0f}% | {t[k][1] / 1024:.0f} MiB |")
print(f"\nPeak RSS of the worker alone: {int(one_rss) // 1024} MiB; of the two workers after the second job: {' and '.join(str(int(x) // 1024) for x in two_rss.split(' and '))} MiB.")
print(f"\nAll cluster outputs are byte-identical to local `lmz --segment-size {segment}`, and `-d` gives back the input.\n")
print("## Cost per segment\n")
print("Each segment's round trip (sent, coded, result received) minus the worker's own coding time, averaged by the client (`-v`):\n")
print(f"- {small_segments} segments of 64 KiB, 1 worker: {cost('small_one'):.0f} ms per segment (whole job {t['small_one'][0]:.1f} s; the same segments locally on one thread {t['small_local'][0]:.1f} s, start-up included in both).")
print(f"- {segments} segments of {segment}, 1 worker: {cost('one'):.0f} ms per segment.")
print(f"- {segments} segments of {segment}, 2 workers: {cost('two'):.0f} ms per segment.")
per_core = rate("local1")
print("\n## A worked estimate for N machines\n")
print(f"One core codes this input at about {per_core:.0f} KB/s at level {level}. A segment of 64 MiB then takes {65536 / per_core / 60:.1f} minutes per thread, against a cost per segment of tens of milliseconds measured above, so the fixed costs vanish; what bounds N machines is the client's network link, which carries every segment in and every member out.")
print("With 16-core machines and a client on 1 Gbit/s (about 110 MB/s each way):\n")
print(f"| machines | threads | level {level}: KB/s of input | 10 GB takes | level 6 (13 KB/s per core): KB/s | 10 GB takes | segments of 10 GB to keep every thread busy |")
print("|---:|---:|---:|---:|---:|---:|---:|")
def span(speed):
    seconds = 10e9 / 1024 / speed
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"
link = 110_000
for n in [1, 4, 16, 64, 256]:
    cores = 16 * n
    fast, slow = min(cores * per_core, link), min(cores * 13, link)
    bound = " (link)" if cores * per_core >= link else ""
    print(f"| {n} | {cores} | {fast:,.0f}{bound} | {span(fast)} | {slow:,.0f} | {span(slow)} | {cores} or more: at most {10e9 / cores / 2**20:,.0f} MiB each |")
print(f"\n(link): bound by the client's link rather than the cores. The default 64 MiB segments give 10 GB 150 segments, enough for about 150 threads; for more, pass a smaller --segment-size (docs/CLUSTER.md).")
PY
cat bench/results/cluster.md
