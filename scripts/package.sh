#!/usr/bin/env bash
# Builds the Debian packages dsfl-slave and dsfl-master (CPack, DEB
# generator; contents in deploy/CMakeLists.txt, guide in docs/operations.md).
# Usage: scripts/package.sh [OUTDIR]   (default: <build dir>/packages)
# Installs what is missing, builds the four binaries into $DSFL_BUILD_DIR
# (default build/), and prints the paths of the .deb files it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
BUILD_DIR="${DSFL_BUILD_DIR:-build}"
OUT_DIR="${1:-$BUILD_DIR/packages}"
scripts/build.sh dsfl-slave dsfl-master dsfl dsfl-dataproxy dsfl-devspace >&2
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
rm -f "$OUT_DIR"/dsfl-slave_*.deb "$OUT_DIR"/dsfl-master_*.deb
# dpkg-shlibdeps (via CPack) computes the library dependencies.
cpack --config "$BUILD_DIR/CPackConfig.cmake" -G DEB -B "$OUT_DIR" >&2
rm -rf "$OUT_DIR/_CPack_Packages"
ls "$OUT_DIR"/dsfl-slave_*.deb "$OUT_DIR"/dsfl-master_*.deb
