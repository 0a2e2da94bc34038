#!/usr/bin/env bash
# Configures a build folder the way Socketeer's packages are built: Release,
# Debian's hardening flags (dpkg-buildflags, all hardening on), warnings as
# errors, installed under /usr. scripts/test.sh builds and tests in it;
# scripts/package-check.sh makes the packages from it. Needs dpkg-dev.
#
#   scripts/configure-release.sh BUILD_DIR [CMAKE_ARGS...]
set -euo pipefail
top=$(realpath "$(dirname "$0")/..")
build=${1:?usage: $0 BUILD_DIR [CMAKE_ARGS...]}
shift

# CMake ignores CPPFLAGS, so they join the compiler flags.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cxxflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DSOCKETEER_WERROR=ON -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" "$@" >/dev/null
