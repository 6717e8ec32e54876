#include "record_js.h"

namespace falnative {
namespace {

// V8's String::kMaxLength on 64-bit (2^29 - 24 UTF-16 units). A UTF-8 text of at most this many
// bytes has at most this many units; a longer one is delivered as bytes (a Buffer), which JS can
// hold up to the in-memory body cap (transfer.cc, 1 GiB).
constexpr size_t kMaxStringBytes = (size_t{1} << 29) - 24;

Napi::Object ResponseToJs(Napi::Env env, HttpResponse& response) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("status", Napi::Number::New(env, static_cast<double>(response.status)));
  out.Set("statusText", Napi::String::New(env, response.statusText));
  out.Set("headers", Napi::String::New(env, response.headers));
  out.Set("requestId", Napi::String::New(env, response.requestId));
  out.Set("contentType", Napi::String::New(env, response.contentType));
  out.Set("timeoutType", Napi::String::New(env, response.timeoutType));
  out.Set("url", Napi::String::New(env, response.url));
  out.Set("bodyIsJson", Napi::Boolean::New(env, response.bodyIsJson));
  if (response.bodyIsText && response.body.size() <= kMaxStringBytes) {
    // One string for JSON.parse in JS: measured faster than building objects through Node-API.
    out.Set("body", Napi::String::New(env, response.body));
  } else {
    // Copied: external buffers are not allowed under Electron's memory cage.
    out.Set("body", Napi::Buffer<char>::Copy(env, response.body.data(), response.body.size()));
  }
  if (!response.jsonError.empty()) out.Set("jsonError", Napi::String::New(env, response.jsonError));
  return out;
}

const char* TypeName(Record::Type type) {
  switch (type) {
    case Record::Type::Response: return "response";
    case Record::Type::Error: return "error";
    case Record::Type::Enqueued: return "enqueued";
    case Record::Type::Status: return "status";
    case Record::Type::Timeout: return "timeout";
    case Record::Type::Progress: return "progress";
    case Record::Type::StreamHead: return "streamHead";
    case Record::Type::StreamEvents: return "streamEvents";
    case Record::Type::StreamChunk: return "streamChunk";
    case Record::Type::StreamEnd: return "streamEnd";
  }
  return "error";
}

}  // namespace

Napi::Object RecordToJs(Napi::Env env, Record& record) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("id", Napi::Number::New(env, static_cast<double>(record.id)));
  out.Set("type", Napi::String::New(env, TypeName(record.type)));
  switch (record.type) {
    case Record::Type::Response:
      out.Set("response", ResponseToJs(env, record.response));
      out.Set("attempts", Napi::Number::New(env, record.attempts));
      break;
    case Record::Type::Error:
      out.Set("code", Napi::String::New(env, record.code));
      out.Set("reason", Napi::String::New(env, record.reason.empty() ? "transport" : record.reason));
      out.Set("message", Napi::String::New(env, record.message));
      out.Set("method", Napi::String::New(env, record.method));
      out.Set("url", Napi::String::New(env, record.url));
      out.Set("curlCode", Napi::Number::New(env, record.curlCode));
      out.Set("curlText", Napi::String::New(env, record.curlText));
      out.Set("status", Napi::Number::New(env, static_cast<double>(record.status)));
      out.Set("attempts", Napi::Number::New(env, record.attempts));
      if (record.timeoutMs > 0) out.Set("timeoutMs", Napi::Number::New(env, static_cast<double>(record.timeoutMs)));
      if (!record.detail.empty()) out.Set("detail", Napi::String::New(env, record.detail));
      break;
    case Record::Type::Enqueued:
      out.Set("requestId", Napi::String::New(env, record.requestId));
      out.Set("body", Napi::String::New(env, record.body));
      break;
    case Record::Type::Status:
      out.Set("body", Napi::String::New(env, record.body));
      break;
    case Record::Type::Timeout:
      out.Set("requestId", Napi::String::New(env, record.requestId));
      break;
    case Record::Type::Progress:
      out.Set("sent", Napi::Number::New(env, static_cast<double>(record.sent)));
      out.Set("sendTotal", Napi::Number::New(env, static_cast<double>(record.sendTotal)));
      out.Set("received", Napi::Number::New(env, static_cast<double>(record.received)));
      out.Set("receiveTotal", Napi::Number::New(env, static_cast<double>(record.receiveTotal)));
      break;
    case Record::Type::StreamHead:
      out.Set("response", ResponseToJs(env, record.response));
      break;
    case Record::Type::StreamEvents:
      // One JSON array text per read: JS parses a whole batch with a single JSON.parse.
      out.Set("events", Napi::String::New(env, record.body));
      out.Set("count", Napi::Number::New(env, static_cast<double>(record.count)));
      out.Set("bytes", Napi::Number::New(env, static_cast<double>(record.bytes)));
      break;
    case Record::Type::StreamChunk:
      out.Set("chunk", Napi::Buffer<char>::Copy(env, record.response.body.data(), record.response.body.size()));
      out.Set("bytes", Napi::Number::New(env, static_cast<double>(record.bytes)));
      break;
    case Record::Type::StreamEnd:
      break;
  }
  return out;
}

}  // namespace falnative
