#!/usr/bin/env bash
# Plots master peak RSS and seconds per round against the number of nodes,
# one line per model size (float32 on the wire), from scripts/bench.sh output:
#   bench/plot.sh RESULTS.jsonl OUTDIR   ->  OUTDIR/scaling.png
# Needs gnuplot (scripts/bench.sh installs gnuplot-nox) and Debian's python3.
set -euo pipefail
RESULTS="$1"
OUTDIR="$2"
mkdir -p "$OUTDIR"
/usr/bin/python3 - "$RESULTS" "$OUTDIR" <<'PY'
import json, sys
results, outdir = sys.argv[1], sys.argv[2]
series = {}
for line in open(results):
    r = json.loads(line)
    if (r["bench"] in ("master_rss", "round_seconds") and
            r.get("wire_format", "float32") == "float32"):
        series.setdefault((r["bench"], r["params"]), []).append(
            (r["nodes"], r["value"]))
for (bench, params), points in series.items():
    with open("%s/%s_%d.dat" % (outdir, bench, params), "w") as f:
        for nodes, value in sorted(points):
            v = value / 2**20 if bench == "master_rss" else value
            f.write("%d %g\n" % (nodes, v))
PY
cd "$OUTDIR"
plots() {  # bench
  local sep=""
  for f in "$1"_*.dat; do
    local p="${f#"$1"_}"; p="${p%.dat}"
    printf '%s"%s" using 1:2 with linespoints title "P = %sM"' \
      "$sep" "$f" "$((p / 1000000))"
    sep=", "
  done
}
gnuplot <<GP
set terminal pngcairo size 1200,480 noenhanced
set output "scaling.png"
set multiplot layout 1,2
set logscale x 2
set xtics (2, 8, 32)
set xlabel "nodes (dsfl-slave processes)"
set key top left
set title "dsfl-master peak RSS (MiB)"
set ylabel "MiB"
plot $(plots master_rss)
set title "seconds per round (median of rounds 2-5)"
set ylabel "s"
plot $(plots round_seconds)
unset multiplot
GP
echo "plot: $OUTDIR/scaling.png"
