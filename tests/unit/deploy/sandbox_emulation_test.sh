#!/usr/bin/env bash
# sandbox_emulation_test.sh SOURCE_DIR BIN_DIR: the units' sandboxes do not
# break the daemons. Without a running systemd, each setting that could
# break dsfl-slave or dsfl-master is reproduced from the unit file itself:
#
#   ProtectProc=, ProcSubset=   a fresh /proc with hidepid=, subset=
#   PrivateTmp=yes              empty /tmp and /var/tmp
#   PrivateDevices=yes          a /dev with only null, zero, full, random,
#                               urandom, tty and an empty /dev/shm
#   ProtectHome=yes             empty /home, /root, /run/user
#   ProtectSystem=strict        / read-only, ReadWritePaths= (here: the work
#                               directory) writable
#   ProtectKernelTunables=yes   /proc/sys and /sys read-only
#   CapabilityBoundingSet=      no capabilities; NoNewPrivileges=yes
#   MemoryDenyWriteExecute=yes, RestrictAddressFamilies=, SystemCallFilter=,
#   SystemCallErrorNumber=      the same seccomp filters (dsfl_sandbox_exec)
#
# and `dsfl demo` runs with dsfl-slave and dsfl-master each inside its own
# unit's sandbox: three slaves train DeepSurv with libtorch over mutual TLS,
# the master aggregates, and the rounds' held-out loss and C-index must be
# those of an unsandboxed run. (Not the model's bytes: FedAvg folds updates
# in arrival order, so the last bits of the floats differ between runs.) The run can fail: with ProcSubset=pid added to the slave
# unit, libtorch cannot read /proc/cpuinfo and training fails (checked).
#
# Root only (mount namespaces); exit 77 (skipped) otherwise. Not emulated:
# User=dsfl and PrivateUsers= (the work directory is root's), PrivateIPC=,
# PrivateMounts=, RestrictNamespaces=, LockPersonality=, RestrictRealtime=.
set -euo pipefail
src=$1
bin=$2
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (mount namespaces); CI runs it as root"
for tool in unshare setpriv mount mknod systemd-analyze; do
  command -v "$tool" >/dev/null || skip "$tool not found"
done
[ "$(uname -m)" = x86_64 ] || skip "the seccomp emulation is x86-64 only"
unshare --mount --propagation private true 2>/dev/null ||
  skip "cannot create a mount namespace here"

# The binaries and the work directory (next to them) must stay visible in
# the sandbox: not under /tmp, /var/tmp, /home, /root or /run/user.
base=$(cd "$(dirname "$bin")" && pwd)
case "$base/" in
  /tmp/* | /var/tmp/* | /home/* | /root/* | /run/user/*)
    skip "the build directory $base is hidden by PrivateTmp/ProtectHome" ;;
esac
tmp=$(mktemp -d "$base/sandbox-emulation.XXXXXX")
trap '[ -n "${DSFL_KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
problem() { echo "FAIL: $*"; fail=1; }

# Value of the last `Key=` line of a unit (empty when unset).
setting() { sed -n "s/^$2=//p" "$1" | tail -1; }

# Expands a systemd system call set (@name) recursively into call names.
expand_set() {
  systemd-analyze syscall-filter "$1" 2>/dev/null | tail -n +2 |
    sed -e 's/#.*//' -e 's/^ *//' -e 's/ *$//' | grep -v '^$' |
    while read -r item; do
      case "$item" in
        @*) expand_set "$item" ;;
        *) echo "$item" ;;
      esac
    done
}

# Writes the allow list of a unit's SystemCallFilter= lines: the first is an
# allow list, later "~" lines subtract (systemd's semantics).
syscall_allow_list() {  # unit output
  local line allow="" deny=""
  while read -r line; do
    case "$line" in
      "~"*) deny="$deny ${line#\~}" ;;
      *) allow="$allow $line" ;;
    esac
  done < <(sed -n 's/^SystemCallFilter=//p' "$1")
  local item
  for item in $allow; do
    case "$item" in @*) expand_set "$item" ;; *) echo "$item" ;; esac
  done | sort -u >"$2.allow"
  for item in $deny; do
    case "$item" in @*) expand_set "$item" ;; *) echo "$item" ;; esac
  done | sort -u >"$2.deny"
  comm -23 "$2.allow" "$2.deny" >"$2"
}

family_number() {
  case "$1" in
    AF_UNIX) echo 1 ;; AF_INET) echo 2 ;; AF_INET6) echo 10 ;;
    *) echo "unknown address family $1" >&2; return 1 ;;
  esac
}

# Writes a wrapper that starts $binary inside the sandbox of $unit.
make_wrapper() {  # unit binary wrapper
  local unit=$1 binary=$2 wrapper=$3 name
  name=$(basename "$binary")
  local proc_options=rw
  case "$(setting "$unit" ProtectProc)" in
    invisible | noaccess | ptraceable) proc_options="$proc_options,hidepid=$(setting "$unit" ProtectProc)" ;;
  esac
  [ "$(setting "$unit" ProcSubset)" = pid ] && proc_options="$proc_options,subset=pid"
  local filters=()
  [ "$(setting "$unit" MemoryDenyWriteExecute)" = yes ] && filters+=(--mdwe)
  local families=() family
  for family in $(setting "$unit" RestrictAddressFamilies); do
    families+=("$(family_number "$family")")
  done
  [ ${#families[@]} -gt 0 ] &&
    filters+=("--address-families=$(IFS=,; echo "${families[*]}")")
  if grep -q '^SystemCallFilter=' "$unit"; then
    syscall_allow_list "$unit" "$tmp/$name.syscalls"
    filters+=("--syscalls=$tmp/$name.syscalls")
    case "$(setting "$unit" SystemCallErrorNumber)" in
      EPERM) filters+=(--errno=1) ;;
      "") ;;
      *) echo "unsupported SystemCallErrorNumber" >&2; return 1 ;;
    esac
  fi
  local mounts=()
  mounts+=("mount -t proc -o $proc_options proc /proc")
  if [ "$(setting "$unit" PrivateTmp)" = yes ]; then
    mounts+=("mount -t tmpfs -o mode=1777 tmpfs /tmp"
      "mount -t tmpfs -o mode=1777 tmpfs /var/tmp")
  fi
  if [ "$(setting "$unit" PrivateDevices)" = yes ]; then
    mounts+=("mount -t tmpfs -o mode=755,nosuid tmpfs /dev"
      "mknod -m 666 /dev/null c 1 3" "mknod -m 666 /dev/zero c 1 5"
      "mknod -m 666 /dev/full c 1 7" "mknod -m 666 /dev/random c 1 8"
      "mknod -m 666 /dev/urandom c 1 9" "mknod -m 666 /dev/tty c 5 0"
      "mkdir -m 1777 /dev/shm" "mount -t tmpfs -o mode=1777 tmpfs /dev/shm"
      "ln -s /proc/self/fd /dev/fd" "ln -s /proc/self/fd/0 /dev/stdin"
      "ln -s /proc/self/fd/1 /dev/stdout" "ln -s /proc/self/fd/2 /dev/stderr")
  fi
  if [ "$(setting "$unit" ProtectHome)" = yes ]; then
    local home
    for home in /home /root /run/user; do
      [ -d "$home" ] && mounts+=("mount -t tmpfs -o ro,mode=755 tmpfs $home")
    done
  fi
  if [ "$(setting "$unit" ProtectKernelTunables)" = yes ]; then
    # (With ProcSubset=pid there is no /proc/sys.)
    mounts+=("if [ -d /proc/sys ]; then mount --bind /proc/sys /proc/sys; fi"
      "if [ -d /proc/sys ]; then mount -o remount,bind,ro /proc/sys; fi"
      "mount -o remount,bind,ro /sys")
  fi
  if [ "$(setting "$unit" ProtectSystem)" = strict ]; then
    # ReadWritePaths=/var/lib/dsfl is the state directory; here the work
    # directory plays that part.
    mounts+=("mount --bind $tmp $tmp" "mount -o remount,bind,ro /"
      "mount -o remount,bind,rw $tmp")
  fi
  local caps=()
  if grep -q '^CapabilityBoundingSet=$' "$unit"; then
    caps+=(--inh-caps=-all --ambient-caps=-all --bounding-set=-all)
  fi
  {
    echo '#!/bin/sh'
    echo "# $name inside the sandbox of $(basename "$unit") (generated)."
    echo 'exec unshare --mount --propagation private -- /bin/sh -ec '"'"
    printf '  %s\n' "${mounts[@]}"
    printf '  exec setpriv --no-new-privs %s %s %s -- %s "$@"\n' \
      "${caps[*]}" "$bin/dsfl_sandbox_exec" "${filters[*]}" "$binary"
    echo "' $name \"\$@\""
  } >"$wrapper"
  chmod +x "$wrapper"
}

# A bin directory for `dsfl demo`: dsfl, dsfl-dataproxy and dsfl-devspace
# as built (dsfl finds its siblings next to itself), dsfl-slave and
# dsfl-master wrapped.
make_bin() {  # dir slave_unit master_unit
  mkdir -p "$1"
  cp "$bin/dsfl" "$bin/dsfl-dataproxy" "$bin/dsfl-devspace" "$1/"
  make_wrapper "$2" "$bin/dsfl-slave" "$1/dsfl-slave"
  make_wrapper "$3" "$bin/dsfl-master" "$1/dsfl-master"
}

run_demo() {  # bin_dir name -> prints the admissions, the rounds' and the final metrics
  "$1/dsfl" demo --workdir "$tmp/$2" --rounds 3 \
    --data "$src/data/lung/lung.csv" >"$tmp/$2.log" 2>&1 || return 1
  # The three hospitals were admitted through the dev dataspace.
  [ "$(grep -c '^ *admitted     node hospital-' "$tmp/$2.log")" -eq 3 ] || return 1
  grep -E '^ *admitted     node |^round |^final model' "$tmp/$2.log" |
    sed 's/  [0-9.]*s$//'
}

slave_unit=$src/deploy/systemd/dsfl-slave.service
master_unit=$src/deploy/systemd/dsfl-master.service

# The emulation is in force: the wrapped slave sees no W+X memory, no /proc
# of other processes, no home directories and a read-only /.
make_bin "$tmp/bin-sandboxed" "$slave_unit" "$master_unit"
probe=$tmp/probe
cp "$tmp/bin-sandboxed/dsfl-slave" "$probe"
sed -i "s#-- $bin/dsfl-slave \"\$@\"#-- /bin/sh -c \"\$1\"#" "$probe"
check_in_sandbox() {  # description shell-test
  "$probe" "$2" >/dev/null 2>&1 || problem "sandbox not in force: $1"
}
check_in_sandbox "/proc with hidepid=invisible" \
  "grep -q '^proc /proc proc .*hidepid=invisible' /proc/self/mounts"
check_in_sandbox "a private /tmp" "test -z \"\$(ls -A /tmp)\""
check_in_sandbox "a read-only /" "! touch /etc/dsfl-sandbox-probe"
check_in_sandbox "a writable work directory" "touch $tmp/probe-ok"
check_in_sandbox "no raw devices" "test ! -e /dev/sda -a ! -e /dev/vda -a -e /dev/null"
check_in_sandbox "no capabilities" "! mknod $tmp/node c 1 3"
check_in_sandbox "three seccomp filters, no new privileges, no capabilities" \
  "grep -q '^Seccomp_filters:[[:space:]]*3$' /proc/self/status &&
   grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/self/status &&
   grep -q '^CapBnd:[[:space:]]*0*$' /proc/self/status"
# The system call allow list is systemd's, not everything.
syscalls=$tmp/dsfl-slave.syscalls
[ "$(wc -l <"$syscalls")" -gt 200 ] || problem "short allow list: $(wc -l <"$syscalls")"
for call in openat epoll_wait futex sendmsg; do
  grep -qx "$call" "$syscalls" || problem "allow list lacks $call"
done
for call in mount setuid reboot sched_setaffinity ptrace bpf; do
  grep -qx "$call" "$syscalls" && problem "allow list has $call"
done

echo "== dsfl demo, unsandboxed"
plain=$(run_demo "$bin" plain) || { tail -20 "$tmp/plain.log"; problem "plain demo failed"; }
echo "== dsfl demo, dsfl-slave and dsfl-master in their units' sandboxes"
if sandboxed=$(run_demo "$tmp/bin-sandboxed" sandboxed); then
  echo "$sandboxed"
  [ -n "$sandboxed" ] && [ "$plain" = "$sandboxed" ] ||
    problem "the sandboxed run trained another model: $plain"
else
  tail -20 "$tmp/sandboxed.log"
  grep -h -i -E 'error|fail|denied' "$tmp"/sandboxed/*/*.log 2>/dev/null | head -20
  problem "dsfl demo fails inside the units' sandboxes"
fi

echo "== dsfl-master --config --validate-config in the master unit's sandbox"
# The daemon keeps its checked TLS files in sealed memory files that jobs
# read through /proc/self/fd (master/daemon/federation_tls.h); start-up
# reads them back that way, so validation proves it works in the sandbox.
"$src/tests/unit/deploy/make_test_pki.sh" "$tmp/masterd" master \
  admin:localhost >/dev/null
echo "sandbox-test-token" >"$tmp/masterd/admin.token"
cat >"$tmp/masterd/master.json" <<JSON
{"state_dir": "$tmp/masterd/state",
 "admin": {"listen": "127.0.0.1:0", "token_file": "$tmp/masterd/admin.token",
           "cert": "$tmp/masterd/admin.pem", "key": "$tmp/masterd/admin.key"},
 "tls": {"ca": "$tmp/masterd/ca.pem", "cert": "$tmp/masterd/master.pem",
         "key": "$tmp/masterd/master.key"}}
JSON
if ! out=$("$tmp/bin-sandboxed/dsfl-master" --config "$tmp/masterd/master.json" \
    --validate-config 2>&1); then
  problem "dsfl-master --config does not validate in its sandbox: $out"
fi

echo "== the emulation can fail: ProcSubset=pid in the slave unit"
sed 's/^ProtectProc=invisible$/ProtectProc=invisible\nProcSubset=pid/' \
  "$slave_unit" >"$tmp/subset-slave.service"
make_bin "$tmp/bin-subset" "$tmp/subset-slave.service" "$master_unit"
if run_demo "$tmp/bin-subset" subset >/dev/null; then
  problem "training works with ProcSubset=pid: the emulation is not in force"
elif ! grep -q cpuinfo "$tmp"/subset/hospital-*/slave.log; then
  problem "ProcSubset=pid failed for another reason than /proc/cpuinfo"
fi

[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
