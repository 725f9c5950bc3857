#!/usr/bin/env bash
# Installs the Debian 12 packages dsfl needs to build, test and run the demo.
# Idempotent: installs only what is missing; does nothing when all is present.
# --no-install-recommends keeps libtorch-dev from pulling in Qt and GTK.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # transport
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  # crypto, TLS, the demo's dev CA
  libssl-dev openssl ca-certificates
  # training
  libtorch-dev
  # JSON, logging, HTTP (data proxy), CLI parsing
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcpp-httplib-dev libcli11-dev
  # the master daemon's persistent job store; zlib for gzip status lists (VCs)
  libsqlite3-dev zlib1g-dev
  # tests
  libgtest-dev libgmock-dev
  # systemd integration: sd_notify (READY/STOPPING/WATCHDOG) in the daemons,
  # and systemd-analyze verify/security for the unit tests of deploy/systemd
  libsystemd-dev systemd
  # packaging (scripts/package.sh): CPack's dpkg-shlibdeps needs `file`;
  # the packages' maintainer scripts need adduser (dpkg -i in the tests)
  file adduser
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
