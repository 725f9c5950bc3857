#!/usr/bin/env bash
# Runs dsfl's benchmarks (docs/performance.md) and prints one JSON object per
# line: {"bench", "params", "nodes", "value", "unit"[, "ratio"], ...}.
#
#   scripts/bench.sh           the full suite (about 15-25 minutes on 2 cores)
#   scripts/bench.sh --quick   a small subset for CI: checks that everything
#                              runs and the output parses, never a speed
#
# Options: --out FILE (default build/bench/results[-quick].jsonl), --no-plot.
# The full run installs Debian's python3-torch (for the Python side of
# `train`) and gnuplot (for the plot) when they are missing. Measure on a
# quiet machine: `uptime` load < 0.5; other processes show up as noise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BUILD_DIR="${DSFL_BUILD_DIR:-build}"
QUICK=0
PLOT=1
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-plot) PLOT=0 ;;
    --out) OUT="$2"; shift ;;
    *) echo "usage: scripts/bench.sh [--quick] [--out FILE] [--no-plot]" >&2
       exit 2 ;;
  esac
  shift
done
mkdir -p "$BUILD_DIR/bench"
if [ -z "$OUT" ]; then
  # (Not `$([ $QUICK = 1 ] && echo -quick)`: a failing substitution in an
  # assignment ends the script under `set -e`.)
  SUFFIX=""
  if [ $QUICK = 1 ]; then SUFFIX="-quick"; fi
  OUT="$BUILD_DIR/bench/results$SUFFIX.jsonl"
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
install_missing() {  # package...
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
      grep -q '^install ok installed$' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: installing ${missing[*]}" >&2
    as_root apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
      { as_root apt-get update >&2 &&
        as_root apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
  fi
}

scripts/setup.sh >&2
scripts/build.sh dsfl-master dsfl-slave dsfl-bench-aggregate \
  dsfl-bench-federation dsfl-bench-transfer dsfl-bench-train \
  dsfl-bench-digest dsfl-bench-check >&2
BIN="$(cd "$BUILD_DIR" && pwd)/bin"
PYTHON=/usr/bin/python3  # Debian's, where python3-torch installs
if [ $QUICK = 0 ]; then
  install_missing python3-torch
  [ $PLOT = 1 ] && install_missing gnuplot-nox
fi

{
  echo "bench: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
       "$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM," \
       "load $(cut -d' ' -f1-3 /proc/loadavg)"
} >&2
: > "$OUT"
emit() { tee -a "$OUT"; }

# Memory a federation run needs (bytes): the master (2x model), each slave
# (measured: 2x model while it receives and copies, plus ~190 MiB of
# libtorch and gRPC), and 1 GiB to spare.
fits() {  # params nodes
  local need=$(( ($1 * 4) * (2 + 2 * $2) + $2 * 190 * 1048576 + 1073741824 ))
  local avail=$(( $(awk '/MemAvailable/ {print $2}' /proc/meminfo) * 1024 ))
  [ "$need" -lt "$avail" ]
}

if [ $QUICK = 1 ]; then
  "$BIN/dsfl-bench-aggregate" --params 100000 --nodes 2 --repeat 1 | emit
  "$BIN/dsfl-bench-digest" --params 100000 --repeat 1 | emit
  "$BIN/dsfl-bench-federation" --params 10000 --nodes 2 --rounds 3 | emit
  "$BIN/dsfl-bench-federation" --params 10000 --nodes 2 --rounds 3 \
    --wire-format bfloat16 | emit
  "$BIN/dsfl-bench-transfer" --params 100000 --repeat 1 | emit
  "$BIN/dsfl-bench-train" --rows 2000 --epochs 1 | emit
else
  "$BIN/dsfl-bench-aggregate" --params 1000000,10000000,50000000 \
    --nodes 2,8,32 --repeat 5 | emit
  "$BIN/dsfl-bench-digest" --params 10000000 --repeat 5 | emit
  for p in 1000000 10000000 50000000; do
    for n in 2 8 32; do
      if fits "$p" "$n"; then
        "$BIN/dsfl-bench-federation" --params "$p" --nodes "$n" --rounds 6 |
          emit
      else
        echo "bench: skipped federation P=$p N=$n (not enough memory)" >&2
      fi
    done
  done
  "$BIN/dsfl-bench-transfer" --params 10000000,50000000 --repeat 5 | emit
  # bfloat16 on the wire (federation.wire_format), opt-in per job.
  for pn in "10000000 8" "50000000 32"; do
    set -- $pn
    if fits "$1" "$2"; then
      "$BIN/dsfl-bench-federation" --params "$1" --nodes "$2" --rounds 6 \
        --wire-format bfloat16 | emit
    fi
  done
  "$BIN/dsfl-bench-transfer" --params 10000000,50000000 --repeat 5 \
    --wire-format bfloat16 | emit
  "$BIN/dsfl-bench-train" --rows 100000 --features 20 --epochs 2 \
    --batch 256 --threads 1 --python "$PYTHON" \
    --script "$ROOT/bench/train_torch.py" --work-dir "$(dirname "$OUT")" | emit
fi

"$BIN/dsfl-bench-check" --require \
  aggregate,digest,master_rss,round_seconds,transfer,train < "$OUT"

if [ $QUICK = 0 ] && [ $PLOT = 1 ] && command -v gnuplot > /dev/null; then
  "$ROOT/bench/plot.sh" "$OUT" "$BUILD_DIR/bench" >&2
fi
echo "bench: results in $OUT" >&2
