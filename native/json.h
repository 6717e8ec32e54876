// simdjson work done on the I/O thread: validating bodies before they reach JS, and reading the
// few fields of queue responses the subscribe state machine needs, so JS never parses a status
// it did not ask to see.
#pragma once

#include <string>

namespace falnative {

bool IsJsonContentType(const std::string& contentType);

// "" when `body` is valid JSON, else simdjson's reason and the position. May grow the string's
// capacity (simdjson needs padding after the data).
std::string ValidateJson(std::string& body);

// Top-level string field `key` of a JSON object; false when the body is not an object or the
// field is missing or not a string.
bool ReadStringField(std::string& body, const char* key, std::string* out);

}  // namespace falnative
