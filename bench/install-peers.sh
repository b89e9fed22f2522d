#!/usr/bin/env bash
# Installs the peer compressors the corpus benchmark compares lmz with, and GNU time (peak memory),
# from Debian/Ubuntu packages. Run as root or with sudo available. paq8px is not packaged: see below.
set -euo pipefail

packages=(gzip bzip2 xz-utils zstd brotli zpaq time)

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-peers: run as root (no sudo found)" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y "${packages[@]}"

for tool in gzip bzip2 xz zstd brotli zpaq /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "install-peers: $tool is still missing" >&2; exit 1; }
done
if ! command -v paq8px >/dev/null; then
  echo "install-peers: note: paq8px is not packaged by Debian; build it from its sources and put the" \
       "paq8px binary on PATH to include it (the benchmark reports it as missing otherwise)." >&2
fi
echo "install-peers: gzip bzip2 xz zstd brotli zpaq and GNU time are installed"
