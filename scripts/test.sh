#!/usr/bin/env bash
# Installs what is needed, builds Socketeer twice (as its packages are built:
# Release, Debian's hardening flags, warnings as errors; then Debug with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs the whole test
# suite on both builds; then makes the .deb and .rpm from the first build and
# checks them (scripts/package-check.sh, as root). Exit status 0 only if
# everything passes.
#
# The package checks run after the tests, not beside them: they install
# packages on this machine (apt-get), which must not change what a running
# test sees (name resolution, for one).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

jobs=$(nproc)
run_tests() {
    ctest --test-dir "$1" -j "$jobs" --output-on-failure --timeout 300
}

echo "== build as the packages are built (warnings as errors), and test"
./scripts/configure-release.sh build-pkg -DSOCKETEER_BUILD_TESTS=ON
cmake --build build-pkg -j "$jobs"
run_tests build-pkg

echo "== build with ASan + UBSan, and test"
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSOCKETEER_WERROR=ON -DSOCKETEER_SANITIZE=ON >/dev/null
cmake --build build-sanitize -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_tests build-sanitize

echo "== the .deb and .rpm: made from the first build and checked (installed here and in a minimal Debian root)"
./scripts/package-check.sh build-pkg
