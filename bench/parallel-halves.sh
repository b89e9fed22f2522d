#!/usr/bin/env bash
# Concatenated containers at work: a file cut in two halves, each half compressed by its own lmz
# process at the same time (as separate machines or batch tasks would), the two outputs joined with
# cat, and the result decompressed by one `lmz -d` to the original bytes. Prints sizes and times
# against compressing the whole file in one process.
#   bash bench/parallel-halves.sh [FILE] [LEVEL]     (defaults: corpora/canterbury/alice29.txt, 6)
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-corpora/canterbury/alice29.txt}
level=${2:-6}
dotnet build src/Lmz.Cli -c Release -v q >/dev/null
lmz=src/Lmz.Cli/bin/Release/net10.0/lmz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
size=$(stat -c %s "$file")
head -c $((size / 2)) "$file" > "$work/part1"
tail -c +$((size / 2 + 1)) "$file" > "$work/part2"

start=$(date +%s.%N)
"$lmz" -$level -T 1 -c "$work/part1" > "$work/part1.lmz" &
"$lmz" -$level -T 1 -c "$work/part2" > "$work/part2.lmz" &
wait
cat "$work/part1.lmz" "$work/part2.lmz" > "$work/joined.lmz"
halves=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
"$lmz" -$level -c "$file" > "$work/whole.lmz"
whole=$(echo "$(date +%s.%N) - $start" | bc)

"$lmz" -d -c "$work/joined.lmz" | cmp - "$file"
"$lmz" -l "$work/joined.lmz"
printf 'input:  %s, %d bytes, level %s\n' "$file" "$size" "$level"
printf 'halves: %d bytes in %.1f s (two processes of one thread, joined with cat; decodes to the original)\n' "$(stat -c %s "$work/joined.lmz")" "$halves"
printf 'whole:  %d bytes in %.1f s (one process, all cores)\n' "$(stat -c %s "$work/whole.lmz")" "$whole"
