#!/usr/bin/env bash
# Installs what is needed, builds Socketeer twice (as its packages are built:
# Release, Debian's hardening flags, warnings as errors; then Debug with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs the whole test
# suite on both builds; then makes the .deb and .rpm from the first build and
# checks them (scripts/package-check.sh, as root). Exit status 0 only if
# everything passes.
#
# As root (CI), the package checks run in the background while the
# sanitizer build and its tests run: they mostly wait for apt-get and the
# network. Their output follows the sanitizer tests'.
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

package_pid=""
package_log=build-pkg/package-check.log
stop_package_check() {
    if [ -n "$package_pid" ]; then
        kill "$package_pid" 2>/dev/null # it cleans up after itself on TERM
        wait "$package_pid" 2>/dev/null || true
        echo "== package checks stopped; their output so far:" && cat "$package_log"
    fi
}
if [ "$(id -u)" -eq 0 ]; then
    echo "== the .deb and .rpm: made and checked in the background (output below)"
    ./scripts/package-check.sh build-pkg >"$package_log" 2>&1 &
    package_pid=$!
    trap stop_package_check EXIT
fi

echo "== build with ASan + UBSan, and test"
cmake -S . -B build-sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSOCKETEER_WERROR=ON -DSOCKETEER_SANITIZE=ON >/dev/null
cmake --build build-sanitize -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_tests build-sanitize

echo "== the .deb and .rpm: made from the first build and checked (installed here and in a minimal Debian root)"
if [ -n "$package_pid" ]; then
    status=0
    wait "$package_pid" || status=$?
    package_pid=""
    cat "$package_log"
    exit "$status"
fi
./scripts/package-check.sh build-pkg
