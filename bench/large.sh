#!/usr/bin/env bash
# Streams SIZE bytes (default 4.5 GiB) through `lmz -1 -c | lmz -d -c` and compares the result
# with the input, byte for byte, without storing either: the input is generated on the fly twice
# (an AES-CTR keystream, so the same bytes both times: random 1 MiB blocks, every 256th block text
# from Calgary's book1 and book2). Prints the time and each process's peak resident memory.
# Usage: bench/large.sh [SIZE_MIB] [LEVEL]   (defaults 4608 MiB, level 1)
# Needs openssl and GNU time (/usr/bin/time); peak RSS above LIMIT_MIB (default 600) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-4608}; level=${2:-1}; limit_mib=${LIMIT_MIB:-600}
command -v openssl >/dev/null || { echo "large: needs openssl" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "large: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
out=${OUT:-artifacts/large}
mkdir -p "$out"
dotnet build src/Lmz.Cli -c Release -v q -nologo -o "$out/lmz" >/dev/null
lmz="$out/lmz/lmz"
text=$(mktemp); work=$(mktemp -d); trap 'rm -rf "$text" "$work"' EXIT
(set +o pipefail; cat corpora/calgary/book1 corpora/calgary/book2 | head -c $((1 << 20)) > "$text")

generate() {
  local block
  exec 3< <(openssl enc -aes-256-ctr -K 6c6d7a6c6d7a6c6d7a6c6d7a6c6d7a6c6d7a6c6d7a6c6d7a6c6d7a6c6d7a6c6d -iv 0 -in /dev/zero 2>/dev/null)
  for ((block = 0; block < size_mib; block++)); do
    if ((block % 256 == 255)); then cat "$text"
    else dd bs=1M count=1 iflag=fullblock status=none <&3
    fi
  done
  exec 3<&-
}

echo "# ${size_mib} MiB through lmz -$level -c | lmz -d -c | cmp, $(date -u +%F), commit $(git rev-parse --short HEAD), $(nproc) cores"
start=$(date +%s.%N)
status=0
cmp <(generate) <(generate | /usr/bin/time -o "$work/c" -f "%M" "$lmz" -"$level" -c | tee >(wc -c > "$work/size") \
  | /usr/bin/time -o "$work/d" -f "%M" "$lmz" -d -c) || status=$?
end=$(date +%s.%N)
sleep 1 # the wc behind tee
compress_mib=$(( $(tail -n 1 "$work/c") / 1024 )); decompress_mib=$(( $(tail -n 1 "$work/d") / 1024 ))
seconds=$(echo "$end - $start" | bc)
echo "| bytes in | bytes compressed | seconds | MiB/s | peak RSS compress (MiB) | peak RSS decompress (MiB) | cmp |"
echo "|---:|---:|---:|---:|---:|---:|---|"
echo "| $((size_mib << 20)) | $(cat "$work/size") | $seconds | $(echo "scale=1; $size_mib / $seconds" | bc) | $compress_mib | $decompress_mib | $([ $status = 0 ] && echo identical || echo DIFFERENT) |"
[ $status = 0 ] || { echo "large: the round trip differs from the input" >&2; exit 1; }
((compress_mib < limit_mib && decompress_mib < limit_mib)) || { echo "large: peak RSS over ${limit_mib} MiB" >&2; exit 1; }
