// What url_fuzzer.cc calls, so the harness does not depend on where the native code keeps it.
#pragma once

#include <string>

std::string FalFuzzEncodePathSegment(const std::string& text);
