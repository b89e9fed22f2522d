#!/usr/bin/env bash
# Puts what bench/portability.sh emulates other CPUs with into bench/.qemu, installing nothing
# system-wide:
#   qemu-x86_64, qemu-aarch64  Debian 13's qemu-user 10 (statically linked, so it runs on Debian 12
#                              too). Debian 12's qemu-user 7.2 crashes .NET processes at random
#                              however they are run (bench/results/portability-qemu.md).
#   arm64-root/                Debian 12's arm64 C, C++, OpenSSL, zlib and ICU libraries, the root
#                              qemu-aarch64 runs lmz's linux-arm64 executable in.
#   bash bench/install-qemu.sh        (DEBIAN_MIRROR=URL picks another mirror)
# The mirror is the one this machine's apt already uses for Debian's main archive.
set -euo pipefail
cd "$(dirname "$0")"
apt_mirror() { # the first Debian archive URI of the apt sources (deb822 .sources files, then one-line lists)
  { sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
    sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
  } | grep -E '/debian/?$' | head -n 1 || true
}
mirror=${DEBIAN_MIRROR:-$(apt_mirror)}
[ -n "$mirror" ] || { echo "install-qemu: no Debian mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR=URL" >&2; exit 1; }
target=.qemu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
download() { # SUITE ARCH PACKAGES...: the packages' .deb files into $work/debs.SUITE.ARCH
  local suite=$1 arch=$2 dir="$work/$1.$2"
  shift 2
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$work/debs.$suite.$arch"
  echo "deb $mirror $suite main" > "$dir/sources.list"
  local options=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$dir/lists"
    -o "Dir::Cache=$dir/cache" -o Dir::State::status=/dev/null -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
    -o APT::Sandbox::User=root)
  apt-get "${options[@]}" update -qq || { echo "install-qemu: cannot read $suite's $arch package lists from $mirror" >&2; exit 1; }
  (cd "$work/debs.$suite.$arch" && apt-get "${options[@]}" download -qq "$@") ||
    { echo "install-qemu: cannot download $* ($suite, $arch)" >&2; exit 1; }
}
download trixie amd64 qemu-user
download bookworm arm64 libc6 libstdc++6 libgcc-s1 libssl3 zlib1g libicu72
rm -rf "$target/arm64-root"
mkdir -p "$target/arm64-root"
dpkg-deb -x "$work"/debs.trixie.amd64/qemu-user_*.deb "$work/qemu"
install -m 755 "$work/qemu/usr/bin/qemu-x86_64" "$work/qemu/usr/bin/qemu-aarch64" "$target/"
for deb in "$work"/debs.bookworm.arm64/*.deb; do dpkg-deb -x "$deb" "$target/arm64-root"; done
echo "install-qemu: $("$target/qemu-x86_64" --version | head -n 1) (x86_64 and aarch64), arm64 root, in bench/$target"
