#!/usr/bin/env bash
# Configures and builds dsfl (Ninja, ccache) into build/. Extra arguments are
# passed to the build, e.g. `scripts/build.sh dsfl dsfl-slave`.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${DSFL_BUILD_DIR:-build}"
# Let ccache reuse objects across build directories and clones.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
# Two cores: more parallel jobs only thrash on the torch translation units.
cmake --build "$BUILD_DIR" -j "$(nproc)" ${1:+--target "$@"}
