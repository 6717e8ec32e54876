#include "errno_name.h"

#include <cerrno>

namespace falnative {

const char* ErrnoName(int error) {
  // Each case is guarded: not every platform defines every name (MSVC's CRT lacks a few), and a
  // value may be shared by two names (EAGAIN/EWOULDBLOCK, ENOTSUP/EOPNOTSUPP), which a switch rejects.
  struct Entry {
    int code;
    const char* name;
  };
  static const Entry kTable[] = {
#define FAL_ERRNO(name) {name, #name},
      FAL_ERRNO(ENOENT)
      FAL_ERRNO(EACCES)
      FAL_ERRNO(EPERM)
      FAL_ERRNO(EEXIST)
      FAL_ERRNO(EISDIR)
      FAL_ERRNO(ENOTDIR)
      FAL_ERRNO(ENOSPC)
      FAL_ERRNO(EIO)
      FAL_ERRNO(EBADF)
      FAL_ERRNO(EBUSY)
      FAL_ERRNO(EINVAL)
      FAL_ERRNO(EMFILE)
      FAL_ERRNO(ENFILE)
      FAL_ERRNO(ENOMEM)
      FAL_ERRNO(EFBIG)
      FAL_ERRNO(ENAMETOOLONG)
      FAL_ERRNO(EROFS)
      FAL_ERRNO(ENXIO)
      FAL_ERRNO(ENODEV)
      FAL_ERRNO(EAGAIN)
      FAL_ERRNO(EINTR)
      FAL_ERRNO(EPIPE)
      FAL_ERRNO(ESPIPE)
      FAL_ERRNO(EXDEV)
      FAL_ERRNO(ENOTEMPTY)
#ifdef ELOOP
      FAL_ERRNO(ELOOP)
#endif
#ifdef ETXTBSY
      FAL_ERRNO(ETXTBSY)
#endif
#ifdef EDQUOT
      FAL_ERRNO(EDQUOT)
#endif
#ifdef ESTALE
      FAL_ERRNO(ESTALE)
#endif
#ifdef EOVERFLOW
      FAL_ERRNO(EOVERFLOW)
#endif
#ifdef ECANCELED
      FAL_ERRNO(ECANCELED)
#endif
#ifdef ENOTSUP
      FAL_ERRNO(ENOTSUP)
#endif
#undef FAL_ERRNO
  };
  for (const Entry& entry : kTable) {
    if (entry.code == error) return entry.name;
  }
  return nullptr;
}

}  // namespace falnative
