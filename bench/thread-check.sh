#!/usr/bin/env bash
# Thread-count determinism on the big corpora: each file compressed with -T 2 and with -T 1 must
# give the same container, and that container must decode (-T 2) to the file. One TSV line per
# file, written as soon as the file is done; files already in the TSV are skipped, so the check
# resumes where it stopped, even days later. lmz runs from a private copy of the build made at
# the start (later rebuilds do not touch a running check); each line names the commit it ran.
#   bash bench/thread-check.sh [FILES or DIRS...]   (default: ../shared/corpora/{silesia,large,enwik})
#   LEVEL (default 6) and OUT (default bench/results/thread-check-LEVEL.tsv) in the environment.
# Pause it with kill -STOP -PGID during timed benchmarks and resume with kill -CONT -PGID.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${LEVEL:-6}
out=${OUT:-bench/results/thread-check-$level.tsv}
if [ $# -eq 0 ]; then set -- ../shared/corpora/silesia ../shared/corpora/large ../shared/corpora/enwik; fi

files=()
for arg in "$@"; do
    if [ -d "$arg" ]; then
        while IFS= read -r f; do files+=("$f"); done < <(find "$arg" -maxdepth 1 -type f ! -name '*.md' ! -name '*.tsv' | sort)
    elif [ -f "$arg" ]; then files+=("$arg")
    else echo "thread-check: $arg: no such file or directory" >&2; exit 2
    fi
done

dotnet build src/Lmz.Cli -c Release -v q >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r src/Lmz.Cli/bin/Release/net10.0 "$work/bin"
lmz="$work/bin/lmz"
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +changes)

[ -f "$out" ] || printf 'file\tbytes\tlevel\tcontainer_T2\tcontainer_T1\tidentical\troundtrip\tseconds_T2\tseconds_T1\tseconds_decode\tcommit\n' > "$out"
seconds() { local start=$1; echo "$(date +%s.%N) - $start" | bc | xargs printf '%.1f'; }
for file in "${files[@]}"; do
    name=${file#../shared/corpora/}
    if awk -F'\t' -v n="$name" -v l="$level" '$1 == n && $3 == l { found = 1 } END { exit !found }' "$out"; then
        echo "$name: done before, skipped"; continue
    fi
    start=$(date +%s.%N); "$lmz" -$level -T 2 -c "$file" > "$work/t2.lmz"; t2=$(seconds "$start")
    start=$(date +%s.%N); "$lmz" -$level -T 1 -c "$file" > "$work/t1.lmz"; t1=$(seconds "$start")
    identical=no; cmp -s "$work/t2.lmz" "$work/t1.lmz" && identical=yes
    start=$(date +%s.%N)
    roundtrip=no; "$lmz" -d -T 2 -c "$work/t2.lmz" | cmp -s - "$file" && roundtrip=yes
    td=$(seconds "$start")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(stat -c %s "$file")" "$level" \
        "$(stat -c %s "$work/t2.lmz")" "$(stat -c %s "$work/t1.lmz")" "$identical" "$roundtrip" "$t2" "$t1" "$td" "$commit" >> "$out"
    echo "$name: T2 $(stat -c %s "$work/t2.lmz") bytes, identical $identical, round trip $roundtrip ($t2 s, $t1 s, $td s)"
    [ "$identical" = yes ] && [ "$roundtrip" = yes ] || { echo "thread-check: $name failed" >&2; exit 1; }
done
