#!/usr/bin/env bash
# Installs what is needed, builds Socketeer twice (warnings as errors; then
# with AddressSanitizer + UndefinedBehaviorSanitizer) and runs the whole test
# suite on both builds; then builds the .deb and .rpm and checks them
# (scripts/package-check.sh, as root). Exit status 0 only if everything passes.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

jobs=$(nproc)
run_suite() {
    local dir=$1; shift
    cmake -S . -B "$dir" -G Ninja -DSOCKETEER_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure --timeout 300
}

echo "== build with warnings as errors, and test"
run_suite build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo

echo "== build with ASan + UBSan, and test"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite build-sanitize -DCMAKE_BUILD_TYPE=Debug -DSOCKETEER_SANITIZE=ON

echo "== build the .deb and .rpm, and check them (installed here and in a minimal Debian root)"
./scripts/package-check.sh build-pkg
