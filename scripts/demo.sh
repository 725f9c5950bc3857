#!/usr/bin/env bash
# Installs what is missing, builds, and runs `dsfl demo`: the dev dataspace
# (dsfl-devspace), three hospital slaves that publish themselves in it, an
# HTTPS data proxy and a master that discovers, negotiates with, verifies and
# admits the hospitals before training, on this machine, on the real lung
# data.
# Usage: scripts/demo.sh [WORKDIR]   (default: ./demo-work)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh dsfl dsfl-slave dsfl-master dsfl-dataproxy dsfl-devspace
BUILD_DIR="${DSFL_BUILD_DIR:-build}"
exec "$BUILD_DIR/bin/dsfl" demo --workdir "${1:-demo-work}"
