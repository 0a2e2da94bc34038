#!/usr/bin/env bash
# Installs what building, running and testing Socketeer needs on Debian 12 or
# Ubuntu 24.04; with --package, also what building and checking its packages
# needs (scripts/package-check.sh); with --bench, what bench/run.py needs. Runs apt-get as root (through sudo when
# not root).
set -euo pipefail

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

packages=(
    # build; dpkg-buildflags (dpkg-dev): scripts/test.sh builds as the packages are built
    cmake ninja-build g++ pkg-config qt6-base-dev qt6-base-dev-tools dpkg-dev
    # run: SVG icons, and a font for the window
    libqt6svg6 fonts-dejavu-core
    # tests: `hexdump -C` is the reference for the hexdump export
    bsdextrautils
    # tests: certificates made with the openssl CLI, and `openssl s_server` as a TLS peer
    openssl
    # tests: real peers on loopback (UDP echo, half-close), SOCKS5 and HTTP CONNECT proxies
    socat microsocks tinyproxy
)
case "${1:-}" in
    --package)
        packages+=(
            # .deb: lintian; file(1) for the icon sizes (dpkg-shlibdeps: dpkg-dev, above)
            lintian file
            # .rpm: rpmbuild and rpm
            rpm
            # desktop entry and AppStream checks
            desktop-file-utils appstream
            # the brand-new minimal Debian root
            debootstrap debian-archive-keyring
        ) ;;
    --bench)
        packages+=(
            # baselines (socat is above) and the script itself
            netcat-openbsd python3
        ) ;;
    "") ;;
    *) echo "usage: $0 [--package|--bench]" >&2; exit 2 ;;
esac

export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "install-deps: installed ${#packages[@]} packages"
