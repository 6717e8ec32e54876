// libFuzzer target for native/json.cc (the real source, linked in by test/fuzz/build.js with
// simdjson from node_modules/@nozbe/simdjson).
//
// Input: the whole input is a response body. Checks, against json_model.h (what JSON.parse in JS
// accepts once the body became a JS string):
//   - ValidateJson never accepts what JSON.parse rejects (except bodies nested deeper than
//     simdjson's limit, which json.cc hands to JSON.parse unvalidated on purpose);
//   - ValidateJson never refuses what JSON.parse accepts (issue 10, defect 8). Each refusal is
//     put in a class: depth (nesting >= 1024), utf8 (invalid UTF-8 inside a string), number
//     (a number simdjson cannot represent), surrogate (a lone \uD800-\uDFFF escape, which
//     JSON.parse keeps and Python's json.dumps writes), other. FAL_FUZZ_JSON_IGNORE=depth,utf8 skips classes
//     the project has decided to keep (none by default);
//   - ValidateJson leaves the bytes unchanged (it may only grow the capacity);
//   - the queue fields read natively ("status" / "request_id": ValidateJson's QueueFields, or
//     ReadStringField before that API) agree with JSON.parse(body)[key] when the key
//     occurs once at the top level (duplicate keys: JSON.parse keeps the last; see README).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <simdjson.h>

#include "json.h"
#include "json_model.h"

namespace {

bool Ignored(const char* cls) {
  static const std::string ignore = [] {
    const char* env = std::getenv("FAL_FUZZ_JSON_IGNORE");
    return "," + std::string(env ? env : "") + ",";
  }();
  return ignore.find("," + std::string(cls) + ",") != std::string::npos;
}

[[noreturn]] void Fail(const std::string& what, const std::string& body) {
  std::fprintf(stderr, "json_fuzzer: %s\n  body (%zu bytes): %.200s\n", what.c_str(), body.size(), body.c_str());
  std::abort();
}

// What the native side reads from a queue body for `key` ("" when absent or not a string).
std::string NativeField(const std::string& body, const char* key) {
  std::string copy = body;
#ifdef FAL_FUZZ_JSON_QUEUE_FIELDS
  falnative::QueueFields fields;
  falnative::ValidateJson(copy, &fields);
  return std::string(key) == "status" ? fields.status : fields.requestId;
#else
  std::string value;
  return falnative::ReadStringField(copy, key, &value) ? value : std::string();
#endif
}

void CheckField(const std::string& body, const char* key) {
  fuzzmodel::JsonModel model(body);
  model.Parse(key);
  if (model.keyCount > 1) return;  // duplicate keys: see README (JSON.parse keeps the last)
  std::string expected = model.found ? model.value : std::string();
  // A lone surrogate escape has no UTF-8 form: JSON.parse keeps it in a JS string, the native
  // side reads no value. No fal status or request id looks like that; nothing to compare.
  if (!fuzzmodel::IsValidUtf8(expected)) return;
  std::string value = NativeField(body, key);
  if (value != expected) {
    Fail(std::string("native reads ") + key + " = \"" + value + "\", JSON.parse(body)." + key + " is \"" + expected + "\"", body);
  }
}

// The bodies json.cc hands to JSON.parse unvalidated on purpose (JsonParseDecides there): simdjson
// refuses them for a reason JSON.parse may not share, so JS has the final word.
bool DeferredToJs(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  switch (parser.parse(padded).get(root)) {
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string original(reinterpret_cast<const char*>(data), size);
  std::string body = original;
  std::string reason = falnative::ValidateJson(body);
  if (body != original) Fail("ValidateJson changed the body", original);

  fuzzmodel::JsonModel model(original);
  bool jsAccepts = model.Parse();
  bool nativeAccepts = reason.empty();
  // By design (json.cc) some bodies are passed on unvalidated and JSON.parse reports their syntax
  // error in JS; any other acceptance of invalid JSON is a bug.
  if (nativeAccepts && !jsAccepts && !DeferredToJs(original)) Fail("ValidateJson accepts what JSON.parse rejects", original);
  if (jsAccepts && !nativeAccepts) {
    const char* cls = model.maxDepth >= 1024 ? "depth"
                      : !fuzzmodel::IsValidUtf8(original) ? "utf8"
                      : reason.find("NUMBER") != std::string::npos || reason.find("BIGINT") != std::string::npos ? "number"
                      : reason.find("STRING_ERROR") != std::string::npos ? "surrogate"
                      : "other";
    if (Ignored(cls)) return 0;
    Fail(std::string("ValidateJson refuses what JSON.parse accepts [class ") + cls + "]: " + reason, original);
  }
  // Field extraction is compared on bodies both sides accept, with exact UTF-8 (so decoded
  // strings compare byte for byte).
  if (jsAccepts && nativeAccepts && fuzzmodel::IsValidUtf8(original)) {
    CheckField(original, "status");
    CheckField(original, "request_id");
  }
  return 0;
}
