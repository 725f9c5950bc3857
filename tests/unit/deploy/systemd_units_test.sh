#!/usr/bin/env bash
# systemd_units_test.sh SOURCE_DIR BIN_DIR: checks deploy/systemd/*.service.
#  - `systemd-analyze verify` is clean (exit 0, no output). ExecStart names
#    /usr/bin/..., which exists only once the package is installed, so the
#    copy verified here runs the freshly built binary instead; the packaging
#    test verifies the installed units as they are.
#  - `systemd-analyze security --offline=true` gives an exposure of 2.0 or
#    lower, and a unit without hardening scores above 2.0 (the check bites).
#  - The settings docs/operations.md promises are present.
# Exit 77 (skipped) when systemd-analyze is not installed.
set -euo pipefail
src=$1
bin=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not found (Debian package systemd)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
problem() { echo "FAIL: $*"; fail=1; }

# Prints the overall exposure (e.g. 1.1) of a unit file.
exposure() {
  systemd-analyze security --offline=true "$1" 2>&1 |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p'
}

for name in dsfl-slave dsfl-master; do
  unit=$src/deploy/systemd/$name.service
  [ -f "$unit" ] || { problem "$unit missing"; continue; }
  # verify
  sed "s#^ExecStart=/usr/bin/$name #ExecStart=$bin/$name #" "$unit" \
    >"$tmp/$name.service"
  grep -q "^ExecStart=$bin/$name " "$tmp/$name.service" ||
    problem "$name: ExecStart is not /usr/bin/$name ..."
  if ! out=$(cd "$tmp" && systemd-analyze verify "$tmp/$name.service" 2>&1); then
    problem "$name: systemd-analyze verify failed: $out"
  elif [ -n "$out" ]; then
    problem "$name: systemd-analyze verify is not clean: $out"
  fi
  # security
  score=$(exposure "$unit")
  echo "$name.service: exposure $score"
  if [ -z "$score" ]; then
    problem "$name: no exposure score from systemd-analyze security"
  elif ! systemd-analyze security --offline=true --threshold=20 "$unit" \
      >/dev/null 2>&1; then
    problem "$name: exposure $score is above 2.0"
  fi
  # promised settings
  for setting in Type=notify WatchdogSec= NotifyAccess=main User=dsfl \
      Group=dsfl StateDirectory=dsfl ConfigurationDirectory=dsfl \
      NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
      PrivateDevices=yes 'CapabilityBoundingSet=$' \
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$' \
      'SystemCallFilter=@system-service$' MemoryDenyWriteExecute=yes \
      'ReadWritePaths=/var/lib/dsfl$' 'WantedBy=multi-user.target$'; do
    grep -q "^$setting" "$unit" || problem "$name: no '$setting'"
  done
  # No log files: stdout and stderr go to journald.
  grep -Eq '^Standard(Output|Error)=(file|append)' "$unit" &&
    problem "$name: logs to a file instead of journald"
  # libtorch's cpuinfo needs /proc/cpuinfo (see the unit's comment).
  grep -q '^ProcSubset=pid' "$unit" && problem "$name: ProcSubset=pid breaks libtorch"
done

grep -q '^ExecStart=/usr/bin/dsfl-slave --config /etc/dsfl/slave.json$' \
  "$src/deploy/systemd/dsfl-slave.service" || problem "slave ExecStart changed"
grep -q '^ExecStart=/usr/bin/dsfl-master --config /etc/dsfl/master.json$' \
  "$src/deploy/systemd/dsfl-master.service" || problem "master ExecStart changed"
# `systemctl reload` sends SIGHUP, which both daemons handle (reload, never
# die of it).
for name in dsfl-slave dsfl-master; do
  grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' \
    "$src/deploy/systemd/$name.service" || problem "$name: no ExecReload"
done

# The check must be able to fail: a unit without hardening scores high.
cat >"$tmp/weak.service" <<'UNIT'
[Service]
ExecStart=/bin/true
UNIT
weak=$(exposure "$tmp/weak.service")
echo "unhardened unit: exposure $weak"
if systemd-analyze security --offline=true --threshold=20 "$tmp/weak.service" \
    >/dev/null 2>&1; then
  problem "an unhardened unit passes the 2.0 threshold ($weak)"
fi
# ... and verify must be able to fail too.
printf '[Service]\nType=notfy\nExecStart=/bin/true\n' >"$tmp/broken.service"
if out=$(cd "$tmp" && systemd-analyze verify "$tmp/broken.service" 2>&1) &&
    [ -z "$out" ]; then
  problem "systemd-analyze verify accepts Type=notfy"
fi

[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
