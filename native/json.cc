#include "json.h"

#include <simdjson.h>

#include <algorithm>
#include <cctype>

namespace falnative {
namespace {

// One parser per I/O thread: it keeps its buffers between documents.
simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

simdjson::padded_string_view Padded(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) {
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  }
  return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

}  // namespace

// The one rule (also reported to JS as bodyIsJson): the official client's, a content type that
// contains "application/json", compared case-insensitively.
bool IsJsonContentType(const std::string& contentType) {
  std::string type = contentType;
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type.find("application/json") != std::string::npos;
}

std::string ValidateJson(std::string& body, QueueFields* fields) {
  simdjson::dom::element root;
  auto error = Parser().parse(Padded(body)).get(root);
  if (!error && fields) {
    std::string_view value;
    if (!root["request_id"].get_string().get(value)) fields->requestId.assign(value.data(), value.size());
    if (!root["status"].get_string().get(value)) fields->status.assign(value.data(), value.size());
  }
  // Valid JSON nested deeper than simdjson's limit: JSON.parse accepts it, so validation must not
  // refuse it; JS parses it unvalidated (and reports a real syntax error itself, if any).
  if (!error || error == simdjson::DEPTH_ERROR) return "";
  std::string reason = simdjson::error_message(error);
  if (body.empty()) reason = "empty body";
  return reason + " (" + std::to_string(body.size()) + " bytes)";
}

}  // namespace falnative
