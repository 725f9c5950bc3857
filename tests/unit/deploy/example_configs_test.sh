#!/usr/bin/env bash
# example_configs_test.sh SOURCE_DIR BIN_DIR: the example configurations in
# deploy/examples/ pass --validate-config with the freshly built binaries,
# and every key they use is documented in their .md companion.
# The installed paths (/usr/share/dsfl/examples, /etc/dsfl/tls) are mapped
# to the source tree and to a throw-away PKI; the packaging test validates
# the installed files as they are.
set -euo pipefail
src=$1
bin=$2
examples=$src/deploy/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
problem() { echo "FAIL: $*"; fail=1; }

"$src/tests/unit/deploy/make_test_pki.sh" "$tmp/tls" \
  slave:dsfl.hospital-a.example master admin:localhost >/dev/null
head -c 32 /dev/urandom | base64 >"$tmp/tls/admin.token"
mkdir -p "$tmp/state"  # /var/lib/dsfl, which the package creates
map() {
  sed -e "s#/usr/share/dsfl/examples/#$examples/#g" \
    -e "s#/etc/dsfl/tls/#$tmp/tls/#g" -e "s#/var/lib/dsfl/#$tmp/state/#g" "$1"
}

# dsfl-slave: the whole start-up path (config, TLS files, reading the data).
map "$examples/slave.example.json" >"$tmp/slave.json"
if ! out=$("$bin/dsfl-slave" --config "$tmp/slave.json" --validate-config 2>&1); then
  problem "slave.example.json does not validate: $out"
fi
# The check bites: a misspelt key is refused.
sed 's/"min_rows"/"min_row"/' "$tmp/slave.json" >"$tmp/bad-slave.json"
if "$bin/dsfl-slave" --config "$tmp/bad-slave.json" --validate-config \
    >/dev/null 2>&1; then
  problem "dsfl-slave accepts an unknown key"
fi

# dsfl-master: the job spec.
map "$examples/job.example.json" >"$tmp/job.json"
if ! out=$("$bin/dsfl-master" --job "$tmp/job.json" --validate-config 2>&1); then
  problem "job.example.json does not validate: $out"
fi
sed 's/"rounds"/"round"/' "$tmp/job.json" >"$tmp/bad-job.json"
if "$bin/dsfl-master" --job "$tmp/bad-job.json" --validate-config \
    >/dev/null 2>&1; then
  problem "dsfl-master accepts an unknown key"
fi

# dsfl-master --config: the daemon's whole start-up path without serving
# (config, TLS files checked together, admin certificate, token, state_dir).
map "$examples/master.example.json" >"$tmp/master.json"
if ! out=$("$bin/dsfl-master" --config "$tmp/master.json" --validate-config 2>&1); then
  problem "master.example.json does not validate: $out"
fi
[ -e "$tmp/state/master" ] && problem "--validate-config created the state_dir"
sed 's/"max_running_jobs"/"max_running_job"/' "$tmp/master.json" >"$tmp/bad-master.json"
status=0
out=$("$bin/dsfl-master" --config "$tmp/bad-master.json" --validate-config 2>&1) ||
  status=$?
[ "$status" -eq 2 ] || problem "dsfl-master: unknown key exits $status, not 2"
case "$out" in *"did you mean 'max_running_jobs'"*) ;;
  *) problem "dsfl-master: no did-you-mean for a misspelt key: $out" ;; esac
# A key that does not belong to the certificate: exit 1, naming the file.
sed "s#$tmp/tls/master.key#$tmp/tls/slave.key#" "$tmp/master.json" >"$tmp/wrong-key.json"
status=0
out=$("$bin/dsfl-master" --config "$tmp/wrong-key.json" --validate-config 2>&1) ||
  status=$?
[ "$status" -eq 1 ] || problem "dsfl-master: a foreign key exits $status, not 1"
case "$out" in *"$tmp/tls/slave.key"*) ;;
  *) problem "dsfl-master: the key error does not name the file: $out" ;; esac

# Every leaf key of each example is documented in its .md, in backticks as
# `key` or `parent.key` (objects and arrays of objects are containers).
# Prints the leaf keys of JSON file $1 that .md file $2 does not document.
undocumented() {
  local leaves key
  leaves=$(grep -o '"[A-Za-z_]*" *: *.' "$1" | grep -v ': *[{]$' |
    grep -v '"slaves"' | sed 's/"\([A-Za-z_]*\)".*/\1/' | sort -u)
  [ -n "$leaves" ] || echo "(no keys found in $1)"
  for key in $leaves; do
    grep -q "[\`.]$key\`" "$2" || echo "$key"
  done
}
for name in slave.example job.example master.example; do
  missing=$(undocumented "$examples/$name.json" "$examples/$name.md")
  [ -z "$missing" ] ||
    problem "$name.json: keys not documented in $name.md:" $missing
done
# The check bites: an undocumented key is noticed.
sed 's/"node_id"/"no_such_key": 1, "node_id"/' "$examples/slave.example.json" \
  >"$tmp/extra.json"
[ "$(undocumented "$tmp/extra.json" "$examples/slave.example.md")" = \
  no_such_key ] || problem "the documentation check misses an extra key"

# The unit files read exactly these paths.
grep -q 'ExecStart=/usr/bin/dsfl-slave --config /etc/dsfl/slave.json' \
  "$src/deploy/systemd/dsfl-slave.service" || problem "slave unit config path"
grep -q '/etc/dsfl/slave.json' "$examples/slave.example.md" ||
  problem "slave.example.md does not say where the config goes"
grep -q 'ExecStart=/usr/bin/dsfl-master --config /etc/dsfl/master.json' \
  "$src/deploy/systemd/dsfl-master.service" || problem "master unit config path"
grep -q '/etc/dsfl/master.json' "$examples/master.example.md" ||
  problem "master.example.md does not say where the config goes"
# Under systemd only /var/lib/dsfl is writable.
grep -q '"output_dir": "/var/lib/dsfl/' "$examples/job.example.json" ||
  problem "job.example.json: output_dir must be below /var/lib/dsfl"
grep -q '"state_dir": "/var/lib/dsfl/' "$examples/master.example.json" ||
  problem "master.example.json: state_dir must be below /var/lib/dsfl"
# /metrics is bound to localhost in the examples.
for name in slave master; do
  grep -q '"metrics_listen": "127.0.0.1:' "$examples/$name.example.json" ||
    problem "$name.example.json: metrics_listen is not on 127.0.0.1"
done

[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
