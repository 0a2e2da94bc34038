#!/usr/bin/env bash
# Installs what is needed, builds Socketeer and opens it pointed at its
# embedded demo server (no network needed). Without a display it runs the
# same exchange headless and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSOCKETEER_BUILD_TESTS=OFF >/dev/null
cmake --build build -j "$(nproc)"
exec ./build/socketeer --demo
