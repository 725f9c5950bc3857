#!/usr/bin/env bash
# mdwe_training_test.sh SOURCE_DIR BIN_DIR: MemoryDenyWriteExecute=yes (in
# both units) does not break training. Runs `dsfl demo` (three dsfl-slave
# processes training DeepSurv with libtorch, dsfl-dataproxy, dsfl-master)
# with every process under systemd's seccomp filter for it (dsfl_sandbox_exec --mdwe),
# and checks that every round's held-out loss and C-index are those of an
# unfiltered run (not the model's bytes: FedAvg folds updates in arrival
# order, so the last bits of the floats differ from run to run).
# Found this way: oneDNN (libtorch's mkldnn) JIT-compiles convolution
# kernels and fails under the filter; the built-in models do not use it.
set -euo pipefail
bin=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$bin/dsfl_sandbox_exec" --mdwe -- /bin/true; then
  echo "SKIP: cannot install the seccomp filter here"
  exit 77
fi
"$bin/dsfl_sandbox_exec" --mdwe -- "$bin/dsfl" demo --workdir "$tmp/filtered" --rounds 3 \
  >"$tmp/filtered.log" 2>&1 || {
  cat "$tmp/filtered.log"
  echo "FAIL: dsfl demo fails under MemoryDenyWriteExecute"
  exit 1
}
"$bin/dsfl" demo --workdir "$tmp/plain" --rounds 3 >"$tmp/plain.log" 2>&1 || {
  cat "$tmp/plain.log"
  echo "FAIL: dsfl demo fails"
  exit 1
}
# Both runs admitted the three hospitals through the dev dataspace.
for run in filtered plain; do
  if [ "$(grep -c '^ *admitted     node hospital-' "$tmp/$run.log")" -ne 3 ]; then
    cat "$tmp/$run.log"
    echo "FAIL: the $run run did not admit 3 hospitals through the dataspace"
    exit 1
  fi
done
metrics() { grep -E '^round |^final model' "$1" | sed 's/  [0-9.]*s$//'; }
filtered=$(metrics "$tmp/filtered.log")
plain=$(metrics "$tmp/plain.log")
echo "$filtered"
if [ -z "$filtered" ] || [ "$filtered" != "$plain" ]; then
  echo "FAIL: training under the filter gives other results: $plain"
  exit 1
fi
echo "PASS"
