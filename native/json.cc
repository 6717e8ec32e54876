#include "json.h"

#include <simdjson.h>

#include "ascii.h"

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

// simdjson refuses some texts that JSON.parse accepts: nesting deeper than its limit, numbers
// beyond double range (JSON.parse reads 1e400 as Infinity), lone surrogate escapes (which Python's
// json.dumps writes), invalid UTF-8 (V8 decodes it to U+FFFD). For these, validation steps aside:
// the body goes to JS unvalidated and JSON.parse has the final word.
bool JsonParseDecides(simdjson::error_code error) {
  switch (error) {
    case simdjson::DEPTH_ERROR:
    case simdjson::NUMBER_ERROR:
    case simdjson::BIGINT_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
    case simdjson::STRING_ERROR:
    case simdjson::UTF8_ERROR:
      return true;
    default:
      return false;
  }
}

// The queue fields of a body the DOM parser refused for one of those reasons: On-Demand reads only
// the two values it is asked for, so a bad number or string elsewhere does not stop it.
void ReadQueueFieldsLazily(std::string& body, QueueFields* fields) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::ondemand::document document;
  if (parser.iterate(Padded(body)).get(document)) return;
  std::string_view value;
  if (!document.find_field_unordered("request_id").get_string().get(value)) fields->requestId.assign(value.data(), value.size());
  if (!document.find_field_unordered("status").get_string().get(value)) fields->status.assign(value.data(), value.size());
}

}  // namespace

// The one rule (also reported to JS as bodyIsJson): the official client's, a content type that
// contains "application/json", compared case-insensitively.
bool IsJsonContentType(const std::string& contentType) {
  return AsciiLower(contentType).find("application/json") != std::string::npos;
}

std::string ValidateJson(std::string& body, QueueFields* fields) {
  simdjson::dom::element root;
  auto error = Parser().parse(Padded(body)).get(root);
  if (!error && fields) {
    std::string_view value;
    if (!root["request_id"].get_string().get(value)) fields->requestId.assign(value.data(), value.size());
    if (!root["status"].get_string().get(value)) fields->status.assign(value.data(), value.size());
  }
  if (!error) return "";
  if (JsonParseDecides(error)) {
    if (fields) ReadQueueFieldsLazily(body, fields);
    return "";
  }
  std::string reason = simdjson::error_message(error);
  if (body.empty()) reason = "empty body";
  return reason + " (" + std::to_string(body.size()) + " bytes)";
}

}  // namespace falnative
