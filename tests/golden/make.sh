#!/usr/bin/env bash
# Writes the golden containers of the current format version from small corpus files:
#   bash tests/golden/make.sh
# The list below is the newest version's (each older set's MANIFEST.tsv names its own).
# Run once per format version and once more whenever the default bundle changes: a container's
# name carries the first 8 hex digits of its bundle's fingerprint (containers of the first
# bundle of a version have none). Never rewrite a committed container (the format is a promise:
# every later lmz must decode them, tests/Lmz.Tests/GoldenContainerTests.cs checks it).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Lmz.Cli -c Release -v q >/dev/null
lmz=src/Lmz.Cli/bin/Release/net10.0/lmz
version=$(sed -n 's/.*Current { get; } = new Format\([0-9]*\)();.*/\1/p' src/Lmz/Formats/Format.cs)
[ -n "$version" ] || { echo "make.sh: cannot read the current format from src/Lmz/Formats/Format.cs" >&2; exit 1; }
out=tests/golden/v$version
mkdir -p "$out"
manifest=$out/MANIFEST.tsv
[ -f "$manifest" ] || printf 'container\tsource\tlevel\tsource_sha256\n' > "$manifest"
# A line "FILE LEVEL" takes corpora/FILE; "FILE LEVEL LENGTH" the first LENGTH bytes of
# ../shared/corpora/FILE (a file too large to commit), recorded as source FILE:LENGTH; a fourth
# field CHUNK codes with --chunk-size CHUNK (named .cCHUNK; LENGTH "-" then means the whole file).
sample=$(mktemp)
trap 'rm -f "$sample"' EXIT
# The default bundle's fingerprint (the line `lmz -vV` marks as the one that compresses).
bundle=$("$lmz" -vV | sed -n 's/^  \([0-9a-f]\{8\}\)[0-9a-f]* .*(compresses)$/\1/p')
[ -n "$bundle" ] || { echo "cannot read the bundle fingerprint" >&2; exit 1; }
while read -r source level length chunk; do
  options=()
  if [ "$length" = - ]; then length=; fi
  if [ -n "$length" ]; then
    head -c "$length" "../shared/corpora/$source" > "$sample"
    input=$sample; name=$(basename "$source").$length.$level; source=$source:$length
  else
    input=corpora/$source; name=$(basename "$source").$level
  fi
  if [ -n "$chunk" ]; then options=(--chunk-size "$chunk"); name=$name.c$chunk; fi
  # the first bundle's containers of this version were named without it
  if [ -f "$out/$name.lmz" ] && "$lmz" -l -v "$out/$name.lmz" | grep -q " model $bundle"; then
    echo "kept $out/$name.lmz"; continue
  fi
  name=$name.$bundle.lmz
  [ -f "$out/$name" ] && { echo "kept $out/$name"; continue; }
  "$lmz" -q -T 2 "-$level" "${options[@]}" -c "$input" > "$out/$name"
  printf '%s\t%s\t%s\t%s\n' "$name" "$source" "$level" "$(sha256sum "$input" | cut -d' ' -f1)" >> "$manifest"
  echo "wrote $out/$name ($(stat -c %s "$out/$name") bytes)"
done <<'LIST'
canterbury/grammar.lsp 1
canterbury/grammar.lsp 2
canterbury/grammar.lsp 6
canterbury/grammar.lsp 7
canterbury/grammar.lsp 9
canterbury/sum 6
calgary/obj1 7
large/E.coli 2 20000
large/E.coli 6 20000
canterbury/xargs.1 6 - 4096
calgary/progl 6
structured/OpenSSH_2k.log 6 20000
structured/pokemon.json 6 20000
structured/es6tutorial_zh.md 6 20000
LIST
