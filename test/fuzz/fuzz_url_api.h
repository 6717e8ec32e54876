// What url_fuzzer.cc calls, so the harness does not depend on where the native code keeps it.
#pragma once

#include <string>

// A server-sent request id as a path segment, or "" when it cannot be one (native/request_path.h).
std::string FalFuzzRequestIdSegment(const std::string& id);
