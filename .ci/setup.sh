#!/usr/bin/env bash
# Installs everything fal-native needs on a fresh Debian/Ubuntu machine, then builds it: the
# development build (build/Release), the TypeScript layer (dist/) and the prebuilt binary that ships
# in the npm tarball (prebuilds/, tested by test/integration/package-install.test.js).
# Used by `npm run setup` and by CI. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# simdjson is not among them: it is compiled into the addon from the npm package @nozbe/simdjson.
# binutils (readelf, objdump) comes with g++; the prebuild step uses it to check the binary's needs.
SYSTEM_PACKAGES=(cmake g++ make pkg-config libcurl4-openssl-dev)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: need root to install ${missing[*]} (run: apt-get install -y ${missing[*]})" >&2
      exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "setup: installing npm dependencies"
# `npm install` rather than `npm ci`: npm 11 reports this lock file (jest's optional per-platform
# resolver bindings) as out of sync even right after generating it.
npm install --no-audit --no-fund

echo "setup: building the native addon and the TypeScript layer"
npm run build

echo "setup: building the prebuilt binary for the npm tarball"
npm run build:prebuild
echo "setup: done"
