#!/usr/bin/env bash
# Whole-file sizes of the nine issue-5 files through the CLI with two model bundles, each
# container decoded and compared: the A/B of a new default bundle against the previous one.
#   bash bench/bundles.sh "6 7" models/lm-stage3 models/lm > bench/results/NAME.md
# Levels are run in order; -T 2 throughout. Sizes include the container; bpb = 8 × size / input.
set -euo pipefail
cd "$(dirname "$0")/.."
levels=$1; shift
bundles=("$@")
[ ${#bundles[@]} -ge 1 ] || { echo "usage: bench/bundles.sh LEVELS BUNDLE_DIR..." >&2; exit 2; }
dotnet build src/Lmz.Cli -c Release -v q -nologo > /dev/null
lmz=src/Lmz.Cli/bin/Release/net10.0/lmz
files="corpora/canterbury/alice29.txt corpora/canterbury/asyoulik.txt corpora/canterbury/lcet10.txt corpora/canterbury/plrabn12.txt corpora/calgary/book1 corpora/calgary/paper1 corpora/canterbury/cp.html corpora/calgary/progc corpora/calgary/progl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf "| file | level |"; for b in "${bundles[@]}"; do printf " %s bytes | bpb |" "$(basename "$b")"; done; echo
printf "|---|---:|"; for b in "${bundles[@]}"; do printf -- "---:|---:|"; done; echo
for level in $levels; do
  for f in $files; do
    n=$(stat -c %s "$f")
    printf "| %s | -%s |" "$(basename "$f")" "$level"
    for b in "${bundles[@]}"; do
      "$lmz" -"$level" -T 2 --model-dir "$b" -c "$f" > "$tmp/c.lmz"
      "$lmz" -d -T 2 --model-dir "$b" -c "$tmp/c.lmz" > "$tmp/d"
      cmp -s "$f" "$tmp/d" || { echo "round trip of $f with $b at -$level differs" >&2; exit 1; }
      m=$(stat -c %s "$tmp/c.lmz")
      printf " %s | %s |" "$(printf "%'d" "$m")" "$(awk -v m="$m" -v n="$n" 'BEGIN{printf "%.4f", 8*m/n}')"
    done
    echo
  done
done
