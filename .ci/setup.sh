#!/usr/bin/env bash
# Installs everything fal-native needs on a fresh Debian 12 (bookworm) machine, then builds it: the
# bundled network stack (static curl, nghttp2, OpenSSL, zlib for linux-x64 and linux-arm64), the
# development build (build/Release), the TypeScript layer (dist/) and the prebuilt binaries that
# ship in the npm tarball (prebuilds/linux-{x64,arm64}/, tested by
# test/integration/package-install.test.js).
# Used by `npm run setup` and by CI. Safe to run again; a second run rebuilds nothing.
#
# Caches: the pinned source tarballs and the built deps live in $FAL_NATIVE_DEPS_CACHE (default
# ~/.cache/fal-native/deps): keep that directory between CI runs and the deps are not rebuilt.
# FAL_NATIVE_NETWORK=system bash .ci/setup.sh builds against the host libcurl instead (no prebuilds).
set -euo pipefail
cd "$(dirname "$0")/.."

NETWORK="${FAL_NATIVE_NETWORK:-bundled}"
DEB_SRC_FILE=/etc/apt/sources.list.d/fal-native-deb-src.sources

# simdjson is not among them: it is compiled into the addon from the npm package @nozbe/simdjson.
# binutils (readelf, objdump, strip) comes with g++; the prebuild step uses it to check the binaries.
SYSTEM_PACKAGES=(cmake g++ make)
if [ "$NETWORK" = "system" ]; then
  SYSTEM_PACKAGES+=(pkg-config libcurl4-openssl-dev)
else
  # perl: OpenSSL's Configure. gpg/gpgv: upstream signatures of the pinned tarballs. xz-utils: to
  # read the Debian tarball that carries the signing key. g++-aarch64-linux-gnu: the arm64 prebuild.
  SYSTEM_PACKAGES+=(perl gpg gpgv xz-utils g++-aarch64-linux-gnu)
fi

SUDO=""
need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: need root to $1" >&2
      exit 1
    fi
  fi
}

apt_updated=""
# The bundled stack's sources come from Debian's source packages (apt-get source): add the deb-src
# entries once, and refresh the index only when a pinned tarball is not cached yet.
if [ "$NETWORK" != "system" ] && ! node native/tools/build-deps.js --check-sources 2>/dev/null; then
  if [ ! -f "$DEB_SRC_FILE" ]; then
    need_root "add $DEB_SRC_FILE (deb-src entries for apt-get source)"
    echo "setup: adding deb-src entries ($DEB_SRC_FILE)"
    # trixie only as deb-src: curl 8.x and nghttp2 1.64 sources; nothing is installed from it.
    $SUDO tee "$DEB_SRC_FILE" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  need_root "run apt-get update"
  $SUDO apt-get update -qq
  apt_updated=1
fi

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  need_root "install ${missing[*]} (run: apt-get install -y ${missing[*]})"
  [ -n "$apt_updated" ] || $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "setup: installing npm dependencies"
# `npm install` rather than `npm ci`: npm 11 reports this lock file (jest's optional per-platform
# resolver bindings) as out of sync even right after generating it.
npm install --no-audit --no-fund

if [ "$NETWORK" != "system" ]; then
  echo "setup: building the bundled network stack (cached in \${FAL_NATIVE_DEPS_CACHE:-~/.cache/fal-native/deps})"
  node native/tools/build-deps.js --arch x64,arm64
fi

echo "setup: building the native addon ($NETWORK network stack) and the TypeScript layer"
FAL_NATIVE_NETWORK="$NETWORK" npm run build

if [ "$NETWORK" != "system" ]; then
  echo "setup: building the prebuilt binaries for the npm tarball"
  npm run build:prebuild -- --arch x64,arm64
fi

# What `npm test` needs beyond the build: the slim-container, Node-version and arm64 tests'
# tools and caches (debootstrap, qemu, Node binaries from npm), and MinGW for the Windows
# compile check. FAL_NATIVE_SKIP_TEST_TOOLS=1 leaves them out (building only).
if [ "${FAL_NATIVE_SKIP_TEST_TOOLS:-}" != "1" ]; then
  if ! dpkg -s g++-mingw-w64-x86-64 >/dev/null 2>&1; then
    need_root "install g++-mingw-w64-x86-64"
    echo "setup: installing g++-mingw-w64-x86-64 (the Windows compile check)"
    [ -n "$apt_updated" ] || $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends g++-mingw-w64-x86-64 >/dev/null
  fi
  bash test/environments/prepare.sh
  # The reliability suite: clang with its sanitizer and libFuzzer runtimes (test/fuzz/, the
  # ASan+UBSan build of `npm run test:asan`).
  if ! dpkg -s clang >/dev/null 2>&1 || ! dpkg -s libclang-rt-14-dev >/dev/null 2>&1; then
    need_root "install clang libclang-rt-14-dev"
    echo "setup: installing clang and libclang-rt-14-dev (fuzzing and sanitizer builds)"
    [ -n "$apt_updated" ] || $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
  fi
fi
echo "setup: done"
