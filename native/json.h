// simdjson work done on the I/O thread: validating bodies before they reach JS, and reading the
// few fields of queue responses the subscribe state machine needs, so JS never parses a status
// it did not ask to see.
#pragma once

#include <string>

namespace falnative {

bool IsJsonContentType(const std::string& contentType);

// The top-level fields the queue state machine needs, read during validation so a queue body is
// parsed once. Empty when absent, not a string, or the body is not an object.
struct QueueFields {
  std::string requestId;  // "request_id"
  std::string status;     // "status"
};

// "" when `body` is valid JSON, or when simdjson refuses it for a reason JSON.parse may not share
// (deep nesting, huge numbers, lone surrogates, invalid UTF-8: JS decides those), else simdjson's
// reason and the size. Fills `fields` when given. May grow the string's capacity
// (simdjson needs padding after the data).
std::string ValidateJson(std::string& body, QueueFields* fields = nullptr);

}  // namespace falnative
