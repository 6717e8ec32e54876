# Cross-compiles for linux-arm64 with Debian's GNU toolchain (apt-get install g++-aarch64-linux-gnu).
# Used for the bundled network stack (native/deps/CMakeLists.txt) and for the addon itself
# (cmake-js --arch arm64 --CDCMAKE_TOOLCHAIN_FILE=<this file>), see native/tools/build-deps.js.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(FAL_CROSS_PREFIX aarch64-linux-gnu-)
set(CMAKE_C_COMPILER ${FAL_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${FAL_CROSS_PREFIX}g++)
find_program(CMAKE_AR NAMES ${FAL_CROSS_PREFIX}ar)
find_program(CMAKE_RANLIB NAMES ${FAL_CROSS_PREFIX}ranlib)
find_program(CMAKE_STRIP NAMES ${FAL_CROSS_PREFIX}strip)

# Headers and libraries come from the arm64 sysroot only, never from the x86-64 host; tools run on
# the host. Our own static deps are passed by absolute path, which this does not affect.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
