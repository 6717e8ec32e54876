#include "platform.h"

#include <cerrno>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#else
#include <pthread.h>
#include <sys/types.h>  // off_t
#endif

namespace falnative {
namespace platform {

#ifdef _WIN32
namespace {

// UTF-8 -> UTF-16. Invalid UTF-8 gives an empty string (errno EINVAL), which no file can match.
std::wstring Wide(const std::string& text) {
  if (text.empty()) return std::wstring();
  int length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()), nullptr, 0);
  if (length <= 0) {
    errno = EINVAL;
    return std::wstring();
  }
  std::wstring wide(static_cast<size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), static_cast<int>(text.size()), &wide[0], length);
  return wide;
}

// The errno a Win32 error from MoveFileExW stands for (the CRT's own mapping is not exported).
int ErrnoFromWin32(DWORD error) {
  switch (error) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
      return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION:
      return EACCES;
    case ERROR_ALREADY_EXISTS:
    case ERROR_FILE_EXISTS:
      return EEXIST;
    case ERROR_NOT_SAME_DEVICE:
      return EXDEV;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      return ENOSPC;
    case ERROR_FILENAME_EXCED_RANGE:
      return ENAMETOOLONG;
    case ERROR_INVALID_NAME:
      return EINVAL;
    default:
      return EIO;
  }
}

}  // namespace

std::FILE* OpenFile(const std::string& path, const char* mode) {
  std::wstring widePath = Wide(path);
  if (widePath.empty()) {
    if (path.empty()) errno = ENOENT;
    return nullptr;
  }
  std::wstring wideMode(mode, mode + std::char_traits<char>::length(mode));
  return _wfopen(widePath.c_str(), wideMode.c_str());
}

int SeekFile(std::FILE* file, int64_t offset) { return _fseeki64(file, offset, SEEK_SET); }

int ReplaceFile(const std::string& from, const std::string& to) {
  std::wstring wideFrom = Wide(from);
  std::wstring wideTo = Wide(to);
  if (wideFrom.empty() || wideTo.empty()) return -1;
  if (MoveFileExW(wideFrom.c_str(), wideTo.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_COPY_ALLOWED)) return 0;
  errno = ErrnoFromWin32(GetLastError());
  return -1;
}

int RemoveFile(const std::string& path) {
  std::wstring widePath = Wide(path);
  if (widePath.empty()) return -1;
  return _wremove(widePath.c_str());
}

#else  // POSIX: glibc, musl, macOS. off_t is 64-bit on all three for 64-bit targets.

std::FILE* OpenFile(const std::string& path, const char* mode) { return std::fopen(path.c_str(), mode); }

int SeekFile(std::FILE* file, int64_t offset) {
  if (static_cast<int64_t>(static_cast<off_t>(offset)) != offset) {
    errno = EOVERFLOW;
    return -1;
  }
  return fseeko(file, static_cast<off_t>(offset), SEEK_SET);
}

int ReplaceFile(const std::string& from, const std::string& to) { return std::rename(from.c_str(), to.c_str()); }

int RemoveFile(const std::string& path) { return std::remove(path.c_str()); }

#endif

void NameThisThread(const char* name) {
#if defined(__APPLE__)
  pthread_setname_np(name);
#elif defined(__linux__)
  pthread_setname_np(pthread_self(), name);
#else
  (void)name;  // Windows: SetThreadDescription needs Windows 10 1607; not worth a loader check
#endif
}

}  // namespace platform
}  // namespace falnative
