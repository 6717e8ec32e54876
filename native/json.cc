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

bool IsJsonContentType(const std::string& contentType) {
  std::string type = contentType;
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type.find("application/json") != std::string::npos || type.find("+json") != std::string::npos;
}

std::string ValidateJson(std::string& body) {
  simdjson::dom::element root;
  auto error = Parser().parse(Padded(body)).get(root);
  if (!error) return "";
  std::string reason = simdjson::error_message(error);
  if (body.empty()) reason = "empty body";
  return reason + " (" + std::to_string(body.size()) + " bytes)";
}

bool ReadStringField(std::string& body, const char* key, std::string* out) {
  simdjson::dom::element root;
  if (Parser().parse(Padded(body)).get(root)) return false;
  std::string_view value;
  if (root[key].get_string().get(value)) return false;
  out->assign(value.data(), value.size());
  return true;
}

}  // namespace falnative
