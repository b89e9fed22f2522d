#!/usr/bin/env bash
# Same bytes across two builds: a change that claims to leave the format alone (a restructuring, a
# speed-up) must write byte-identical containers. Builds BEFORE and AFTER (commits; AFTER defaults
# to the work tree as it is) and compresses with each: every file of corpora/, plus the first 1 MiB
# of each Silesia file in ../shared (skipped, with a note, when absent), at levels 1, 2, 6 and 7,
# and the Canterbury text files at level 9. Then every golden of tests/golden decodes with AFTER.
#   bash bench/same-bytes.sh BEFORE [AFTER]       e.g. bash bench/same-bytes.sh 9fa205b
#   LEVELS="1 6" bash bench/same-bytes.sh HEAD~1  (other levels; level 9 runs when listed)
# A commit's containers are kept in bench/.same-bytes/COMMIT/, so a second run against the same
# BEFORE only compresses with AFTER. Exits 1 on any difference or failed decode.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: bash bench/same-bytes.sh BEFORE [AFTER]" >&2; exit 2; }
before=$(git rev-parse --short=12 "$1^{commit}")
after=${2:-}
levels=${LEVELS:-1 2 6 7 9}
cache=bench/.same-bytes
mkdir -p "$cache"
inputs=$cache/inputs
mkdir -p "$inputs"
mapfile -t files < <(cut -f1 corpora/MANIFEST.tsv | tail -n +2 | sed 's|^|corpora/|')
silesia=../shared/corpora/silesia
if [ -d "$silesia" ]; then
  for f in "$silesia"/*; do
    [ -s "$inputs/silesia-$(basename "$f")" ] || head -c 1048576 "$f" > "$inputs/silesia-$(basename "$f")"
    files+=("$inputs/silesia-$(basename "$f")")
  done
else
  echo "same-bytes: $silesia is absent: the Silesia heads are skipped"
fi
text9=(corpora/canterbury/alice29.txt corpora/canterbury/asyoulik.txt corpora/canterbury/cp.html corpora/canterbury/fields.c
  corpora/canterbury/grammar.lsp corpora/canterbury/lcet10.txt corpora/canterbury/plrabn12.txt corpora/canterbury/xargs.1)

# build NAME COMMIT-OR-EMPTY -> prints the CLI dll; an empty commit builds the work tree.
build() {
  local dir=$PWD
  if [ -n "$2" ]; then
    dir=$cache/tree-$1
    [ -d "$dir" ] || git worktree add -f --detach "$dir" "$2" >/dev/null 2>&1
    git -C "$dir" checkout -q --detach "$2"
  fi
  dotnet build "$dir/src/Lmz.Cli" -c Release -v q -nologo >/dev/null || { echo "same-bytes: build of ${2:-the work tree} failed" >&2; exit 1; }
  echo "$dir/src/Lmz.Cli/bin/Release/net10.0/Lmz.Cli.dll"
}

# compress NAME DLL -> containers in $cache/NAME/LEVEL/INDEX.lmz (kept when complete)
compress() {
  local out=$cache/$1 dll=$2
  [ -f "$out/complete" ] && { echo "same-bytes: $1's containers are cached in $out"; return; }
  rm -rf "$out"
  for level in $levels; do
    mkdir -p "$out/$level"
    local list=("${files[@]}")
    [ "$level" = 9 ] && list=("${text9[@]}")
    local start=$SECONDS
    for i in "${!list[@]}"; do
      dotnet "$dll" -c -"$level" -q --no-progress "${list[$i]}" > "$out/$level/$(basename "${list[$i]}").lmz"
    done
    echo "same-bytes: $1 -$level: ${#list[@]} files in $((SECONDS - start)) s"
  done
  touch "$out/complete"
}

before_dll=$(build before "$before")
compress "$before" "$before_dll"
if [ -n "$after" ]; then
  after_name=$(git rev-parse --short=12 "$after^{commit}")
  after_dll=$(build after "$after_name")
else
  after_name=worktree
  rm -rf "$cache/worktree"
  after_dll=$(build work "")
fi
compress "$after_name" "$after_dll"

status=0 same=0 differ=0
for level in $levels; do
  for f in "$cache/$before/$level"/*.lmz; do
    other=$cache/$after_name/$level/$(basename "$f")
    if cmp -s "$f" "$other"; then same=$((same + 1)); else echo "DIFFER  -$level $(basename "$f" .lmz)"; differ=$((differ + 1)); status=1; fi
  done
done
echo "same-bytes: $before against $after_name: $same containers identical, $differ different"

decoded=0
for manifest in tests/golden/v*/MANIFEST.tsv; do
  dir=$(dirname "$manifest")
  while IFS=$'\t' read -r container _ _ sha; do
    [ "$container" = container ] && continue
    if dotnet "$after_dll" -d -c -q --no-progress "$dir/$container" 2> "$cache/golden.err" | sha256sum | grep -q "^$sha "; then
      decoded=$((decoded + 1))
    else
      echo "GOLDEN  $dir/$container: $(head -n 1 "$cache/golden.err") (not the source's bytes)"; status=1
    fi
  done < "$manifest"
done
echo "same-bytes: $decoded goldens decode with $after_name"
exit $status
