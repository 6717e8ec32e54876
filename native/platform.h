// The few operating-system calls fal-native makes outside libcurl, one portable spelling each, so
// the rest of native/ has no #ifdef _WIN32. Paths are UTF-8 everywhere (as they come from JS);
// on Windows they are converted to UTF-16 for the wide-character CRT/Win32 calls, since the narrow
// ones would read them in the ANSI code page. Failures set errno, like the C library calls they
// replace (errno_name.h names it).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace falnative {
namespace platform {

// std::fopen. `mode` is ASCII ("rb", "wb").
std::FILE* OpenFile(const std::string& path, const char* mode);
// fseeko(file, offset, SEEK_SET) with a 64-bit offset everywhere (Windows' long and off_t are 32-bit).
// 0 on success.
int SeekFile(std::FILE* file, int64_t offset);
// std::rename, except that an existing `to` is replaced on Windows too (as on POSIX). 0 on success.
int ReplaceFile(const std::string& from, const std::string& to);
// std::remove. 0 on success.
int RemoveFile(const std::string& path);
// Names the calling thread where the OS lets it (Linux: at most 15 bytes, so top, perf and
// /proc/<pid>/task/<tid>/comm show it; macOS: the debugger's name). Best effort: no error.
void NameThisThread(const char* name);

}  // namespace platform
}  // namespace falnative
