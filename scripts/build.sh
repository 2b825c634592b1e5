#!/usr/bin/env bash
# Configures and builds the engine, CLI and unit tests into build/ (incremental; ccache).
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="${CAIRN_BUILD_DIR:-$top/build}"
jobs="${CAIRN_JOBS:-$(nproc)}"
# Let ccache share results between clones in different directories.
export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=true
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAIRN_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j "$jobs"
