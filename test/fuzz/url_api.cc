// Binds the URL harness to the real EncodePathSegment.
//
// When a native header declares falnative::EncodePathSegment, build.js passes it as
// FAL_FUZZ_ENCODE_HEADER and links the .cc that defines it. While it is still in jobs.cc's
// anonymous namespace, this file includes jobs.cc itself (the real source, not a copy): the
// function is then visible here, and build.js lets the jobs' references to the I/O loop stay
// unresolved (they are never called).
#include "fuzz_url_api.h"

#ifdef FAL_FUZZ_ENCODE_HEADER
#include FAL_FUZZ_ENCODE_HEADER
#else
#include "jobs.cc"
#endif

std::string FalFuzzEncodePathSegment(const std::string& text) { return falnative::EncodePathSegment(text); }
