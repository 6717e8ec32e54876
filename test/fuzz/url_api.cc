// Binds the URL harness to the real request-id segment rule (native/request_path.cc).
#include "fuzz_url_api.h"

#include "request_path.h"

std::string FalFuzzRequestIdSegment(const std::string& id) { return falnative::RequestIdSegment(id); }
