#!/usr/bin/env bash
# packaging_test.sh SOURCE_DIR BIN_DIR: builds the .deb packages with
# scripts/package.sh, installs them with dpkg -i, checks what they put on the
# machine (user, directories, units installed but disabled, example configs
# that pass --validate-config as the dsfl user, a demo run with the installed
# binaries), then removes and purges them and checks that the machine is as
# before.
#
# Root only (dpkg -i); exit 77 (skipped) otherwise, and also when dsfl is
# already installed or a `dsfl` user exists: the test never touches a real
# installation. The certificates it needs are made here, never packaged.
set -euo pipefail
src=$1
bin=$2
build=$(dirname "$bin")

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (dpkg -i); CI runs it as root"
command -v dpkg >/dev/null || skip "not a Debian system (no dpkg)"
for package in dsfl-slave dsfl-master; do
  if dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null |
      grep -qv '^not-installed$'; then
    skip "$package is already known to dpkg; not touching it"
  fi
done
getent passwd dsfl >/dev/null && skip "a dsfl user exists already"
getent group dsfl >/dev/null && skip "a dsfl group exists already"
[ -e /etc/dsfl ] && skip "/etc/dsfl exists already"
[ -e /var/lib/dsfl ] && skip "/var/lib/dsfl exists already"

tmp=$(mktemp -d)
fail=0
problem() { echo "FAIL: $*"; fail=1; }
cleanup() {
  # Whatever happened, leave the machine as it was.
  for f in tls/ca.pem tls/slave.pem tls/slave.key tls/master.pem \
      tls/master.key tls/admin.pem tls/admin.key tls/admin.token \
      slave.json; do
    rm -f "/etc/dsfl/$f"
  done
  dpkg --purge dsfl-slave dsfl-master >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- build ------------------------------------------------------------------
echo "== scripts/package.sh"
DSFL_BUILD_DIR=$build "$src/scripts/package.sh" "$tmp/debs" >"$tmp/package.log" 2>&1 || {
  tail -40 "$tmp/package.log"
  echo "FAIL: scripts/package.sh"
  exit 1
}
slave_deb=$(ls "$tmp"/debs/dsfl-slave_*.deb)
master_deb=$(ls "$tmp"/debs/dsfl-master_*.deb)
echo "$(basename "$slave_deb") $(basename "$master_deb")"

# --- contents -----------------------------------------------------------------
check_field() {  # deb field expected-substring
  local value
  value=$(dpkg-deb -f "$1" "$2")
  case "$value" in *"$3"*) ;; *) problem "$(basename "$1") $2: '$value' lacks '$3'" ;; esac
}
check_field "$slave_deb" Package dsfl-slave
check_field "$master_deb" Package dsfl-master
for deb in "$slave_deb" "$master_deb"; do
  check_field "$deb" Depends adduser
  check_field "$deb" Depends libc6
  check_field "$deb" Depends libgrpc++
  check_field "$deb" Depends libsystemd0
done
# Conffiles: the slave's example config, and the master's daemon and job
# examples (each a .json and its .md).
[ "$(dpkg-deb --ctrl-tarfile "$slave_deb" | tar -xO ./conffiles | grep -c '^/etc/dsfl/')" -eq 2 ] ||
  problem "$(basename "$slave_deb"): expected two conffiles in /etc/dsfl"
[ "$(dpkg-deb --ctrl-tarfile "$master_deb" | tar -xO ./conffiles | grep -c '^/etc/dsfl/')" -eq 4 ] ||
  problem "$(basename "$master_deb"): expected four conffiles in /etc/dsfl"
check_field "$slave_deb" Depends libtorch
contents() { dpkg-deb -c "$1" | awk '{print $6}'; }
for f in ./usr/bin/dsfl-slave ./usr/bin/dsfl-dataproxy \
    ./lib/systemd/system/dsfl-slave.service ./etc/dsfl/slave.example.json \
    ./etc/dsfl/slave.example.md ./usr/share/dsfl/examples/example-hospital.csv \
    ./usr/share/doc/dsfl-slave/operations.md; do
  contents "$slave_deb" | grep -qx "$f" || problem "dsfl-slave lacks $f"
done
for f in ./usr/bin/dsfl-master ./usr/bin/dsfl ./usr/bin/dsfl-devspace \
    ./lib/systemd/system/dsfl-master.service ./etc/dsfl/job.example.json \
    ./etc/dsfl/job.example.md ./etc/dsfl/master.example.json \
    ./etc/dsfl/master.example.md ./usr/share/dsfl/lung/lung.csv \
    ./usr/share/doc/dsfl-master/operations.md \
    ./usr/share/doc/dsfl-master/api.md; do
  contents "$master_deb" | grep -qx "$f" || problem "dsfl-master lacks $f"
done
# No private key, certificate or token is ever packaged.
for deb in "$slave_deb" "$master_deb"; do
  contents "$deb" | grep -E '\.(key|pem|token)$' &&
    problem "$(basename "$deb") ships a key, certificate or token"
done

# --- install ----------------------------------------------------------------
echo "== dpkg -i"
dpkg -i "$slave_deb" "$master_deb" >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log"
  echo "FAIL: dpkg -i"
  exit 1
}
# The user: a system account without login.
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd dsfl) ||
  problem "no dsfl user"
[ "${uid:-0}" -gt 0 ] && [ "${uid:-1000}" -lt 1000 ] || problem "dsfl uid $uid is not a system uid"
[ "$home" = /var/lib/dsfl ] || problem "dsfl home is $home"
[ "$shell" = /usr/sbin/nologin ] || problem "dsfl shell is $shell"
[ "$(getent group dsfl | cut -d: -f3)" = "$gid" ] || problem "dsfl group"
# Directories, owners and modes.
check_dir() {  # path owner:group mode
  local actual
  actual=$(stat -c '%U:%G %a' "$1" 2>/dev/null || echo missing)
  [ "$actual" = "$2 $3" ] || problem "$1 is '$actual', expected '$2 $3'"
}
check_dir /etc/dsfl root:root 755
check_dir /etc/dsfl/tls root:dsfl 750
check_dir /var/lib/dsfl dsfl:dsfl 750
# Units installed, not enabled, not started.
for unit in dsfl-slave dsfl-master; do
  [ -f "/lib/systemd/system/$unit.service" ] || problem "$unit.service not installed"
  if find /etc/systemd/system -name "$unit.service" 2>/dev/null | grep -q .; then
    problem "$unit.service is enabled"
  fi
  # Installed, ExecStart exists: systemd-analyze checks the real unit.
  if command -v systemd-analyze >/dev/null; then
    out=$(cd / && systemd-analyze verify "/lib/systemd/system/$unit.service" 2>&1) ||
      problem "$unit: systemd-analyze verify: $out"
    [ -z "$out" ] || problem "$unit: systemd-analyze verify is not clean: $out"
    systemd-analyze security --offline=true --threshold=20 \
      "/lib/systemd/system/$unit.service" >/dev/null 2>&1 ||
      problem "$unit: exposure above 2.0"
  fi
done
dpkg-query -W -f='${Conffiles}\n' dsfl-slave | grep -q /etc/dsfl/slave.example.json ||
  problem "slave.example.json is not a conffile"

# --- the installed example configs ------------------------------------------
echo "== --validate-config on the installed examples (as user dsfl)"
"$src/tests/unit/deploy/make_test_pki.sh" "$tmp/pki" \
  slave:dsfl.hospital-a.example master admin:localhost >/dev/null
install -o root -g dsfl -m 0644 "$tmp/pki/ca.pem" /etc/dsfl/tls/ca.pem
head -c 32 /dev/urandom | base64 >"$tmp/pki/admin.token"
install -o root -g dsfl -m 0640 "$tmp/pki/admin.token" /etc/dsfl/tls/admin.token
for name in slave master admin; do
  install -o root -g dsfl -m 0644 "$tmp/pki/$name.pem" "/etc/dsfl/tls/$name.pem"
  install -o root -g dsfl -m 0640 "$tmp/pki/$name.key" "/etc/dsfl/tls/$name.key"
done
as_dsfl() { setpriv --reuid=dsfl --regid=dsfl --init-groups --no-new-privs "$@"; }
if ! out=$(cd /var/lib/dsfl && as_dsfl /usr/bin/dsfl-slave \
    --config /etc/dsfl/slave.example.json --validate-config 2>&1); then
  problem "installed slave.example.json does not validate: $out"
fi
if ! out=$(cd /var/lib/dsfl && as_dsfl /usr/bin/dsfl-master \
    --job /etc/dsfl/job.example.json --validate-config 2>&1); then
  problem "installed job.example.json does not validate: $out"
fi
if ! out=$(cd /var/lib/dsfl && as_dsfl /usr/bin/dsfl-master \
    --config /etc/dsfl/master.example.json --validate-config 2>&1); then
  problem "installed master.example.json does not validate: $out"
fi
[ -e /var/lib/dsfl/master ] && problem "--validate-config created the state_dir"
# The key is readable by the service user, and by nobody else.
if setpriv --reuid=nobody --regid=nogroup --clear-groups cat /etc/dsfl/tls/slave.key \
    >/dev/null 2>&1; then
  problem "another user can read the slave key"
fi

# --- upgrade (reinstall): the administrator's files survive -------------------
echo "== dpkg -i again (upgrade path)"
echo '{"node_id": "mine"}' >/etc/dsfl/slave.json
sed -i 's/"display_name": "[^"]*"/"display_name": "edited by the admin"/' \
  /etc/dsfl/slave.example.json
dpkg -i "$slave_deb" "$master_deb" >"$tmp/upgrade.log" 2>&1 || {
  cat "$tmp/upgrade.log"
  problem "dpkg -i over an installed version"
}
grep -q '"node_id": "mine"' /etc/dsfl/slave.json || problem "upgrade touched slave.json"
grep -q 'edited by the admin' /etc/dsfl/slave.example.json ||
  problem "upgrade lost an edit of a conffile"
[ -f /etc/dsfl/tls/slave.key ] || problem "upgrade removed a key"
check_dir /var/lib/dsfl dsfl:dsfl 750
rm -f /etc/dsfl/slave.json

# --- the installed binaries work together -------------------------------------
echo "== dsfl demo with the installed binaries and /usr/share/dsfl/lung"
if ! /usr/bin/dsfl demo --workdir "$tmp/demo" --rounds 2 \
    --data /usr/share/dsfl/lung/lung.csv >"$tmp/demo.log" 2>&1; then
  tail -20 "$tmp/demo.log"
  problem "dsfl demo with the installed packages"
fi
grep -q 'final model' "$tmp/demo.log" || problem "installed demo printed no final model"

# --- remove -------------------------------------------------------------------
echo "== dpkg -r, then dpkg --purge"
for f in ca.pem slave.pem slave.key master.pem master.key admin.pem \
    admin.key admin.token; do
  rm -f "/etc/dsfl/tls/$f"
done
dpkg -r dsfl-slave dsfl-master >"$tmp/remove.log" 2>&1 || {
  cat "$tmp/remove.log"
  problem "dpkg -r"
}
for f in /usr/bin/dsfl-slave /usr/bin/dsfl-master /usr/bin/dsfl \
    /usr/bin/dsfl-dataproxy /lib/systemd/system/dsfl-slave.service \
    /lib/systemd/system/dsfl-master.service /usr/share/dsfl; do
  [ ! -e "$f" ] || problem "$f is still there after dpkg -r"
done
# Removal keeps configuration (conffiles) and the user; purge takes them.
[ -f /etc/dsfl/slave.example.json ] || problem "dpkg -r deleted a conffile"
getent passwd dsfl >/dev/null || problem "dpkg -r deleted the dsfl user"
dpkg --purge dsfl-slave dsfl-master >"$tmp/purge.log" 2>&1 || {
  cat "$tmp/purge.log"
  problem "dpkg --purge"
}
for f in /etc/dsfl /var/lib/dsfl; do
  [ ! -e "$f" ] || problem "$f is still there after purge: $(ls -la "$f")"
done
getent passwd dsfl >/dev/null && problem "the dsfl user is still there after purge"
getent group dsfl >/dev/null && problem "the dsfl group is still there after purge"
for package in dsfl-slave dsfl-master; do
  dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null |
    grep -qv '^not-installed$' && problem "dpkg still knows $package"
done

[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
