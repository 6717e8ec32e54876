// A server-sent request id as one URL path segment of .../requests/<id>/status.
#pragma once

#include <string>

namespace falnative {

// The id percent-encoded (only unreserved characters stay as they are), or "" when it cannot be a
// segment: empty, or made only of dots. Every URL parser and many servers resolve "." and ".."
// (and their %2E forms) as dot segments, which would change the polled path, so such an id is
// refused rather than encoded.
std::string RequestIdSegment(const std::string& id);

}  // namespace falnative
