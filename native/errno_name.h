// The symbolic name of an errno value ("ENOENT" for ENOENT), as Node names file-system errors.
// Portable replacement for glibc's strerrorname_np (glibc >= 2.32 only; musl, macOS and Windows
// lack it). Covers the codes Node/libuv report for file errors; the values come from the
// platform's own <cerrno>, so the table is right wherever it is compiled.
#pragma once

namespace falnative {

// nullptr for a code the table does not know.
const char* ErrnoName(int error);

}  // namespace falnative
