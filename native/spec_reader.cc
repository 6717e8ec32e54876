#include "spec_reader.h"

#include <algorithm>

#include <cmath>

namespace falnative {
namespace {

[[noreturn]] void Fail(Napi::Env env, const std::string& where, const std::string& expected) {
  throw Napi::TypeError::New(env, "fal-native: " + where + " must be " + expected);
}

Napi::Object AsObject(const Napi::Value& value, const std::string& where) {
  if (!value.IsObject()) Fail(value.Env(), where, "an object");
  return value.As<Napi::Object>();
}

std::string ReadString(const Napi::Object& object, const char* key, const std::string& where) {
  Napi::Value value = object.Get(key);
  if (!value.IsString()) Fail(object.Env(), where + "." + key, "a string");
  return value.As<Napi::String>().Utf8Value();
}

// "" when the key is absent.
std::string ReadOptionalString(const Napi::Object& object, const char* key, const std::string& where) {
  return object.Get(key).IsUndefined() ? std::string() : ReadString(object, key, where);
}

// JS checked it already; the native side checks again, as it is the one handing it to curl.
std::string ReadProxy(const Napi::Object& object, const std::string& where) {
  std::string proxy = ReadOptionalString(object, "proxy", where);
  bool scheme = proxy.rfind("http://", 0) == 0 || proxy.rfind("https://", 0) == 0;
  bool clean = std::none_of(proxy.begin(), proxy.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
  if (!proxy.empty() && !(scheme && clean)) Fail(object.Env(), where + ".proxy", "an http:// or https:// URL without spaces or control characters");
  return proxy;
}

// RFC 9110 token (tchar): what undici accepts as a method. Anything else (CR, LF, spaces) would
// reach CURLOPT_CUSTOMREQUEST and the request line verbatim.
bool IsToken(const std::string& text) {
  static const std::string extra = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || extra.find(static_cast<char>(c)) != std::string::npos;
  });
}

double ReadNumber(const Napi::Object& object, const char* key, const std::string& where) {
  Napi::Value value = object.Get(key);
  if (!value.IsNumber() || !std::isfinite(value.As<Napi::Number>().DoubleValue())) {
    Fail(object.Env(), where + "." + key, "a finite number");
  }
  return value.As<Napi::Number>().DoubleValue();
}

// The one reader of time values (ms): refuses NaN and negatives, clamps the rest (+Infinity
// included) to kMaxMilliseconds, so nothing downstream can overflow. Absent: `fallback`.
double ReadMilliseconds(const Napi::Object& object, const char* key, const std::string& where, double fallback) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() && !std::isnan(fallback)) return fallback;
  double ms = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(ms >= 0)) Fail(object.Env(), where + "." + key, "a number of milliseconds >= 0");
  return ClampMilliseconds(ms);
}

// Required time value.
double ReadMilliseconds(const Napi::Object& object, const char* key, const std::string& where) {
  return ReadMilliseconds(object, key, where, std::nan(""));
}

// A finite count in [0, max] (larger values are clamped), as an integer.
int64_t ReadCount(const Napi::Object& object, const char* key, const std::string& where, double max) {
  double value = ReadNumber(object, key, where);
  if (value < 0) Fail(object.Env(), where + "." + key, "a number >= 0");
  return static_cast<int64_t>(std::floor(value < max ? value : max));
}

constexpr double kMaxSafeInteger = 9007199254740991.0;

bool ReadBool(const Napi::Object& object, const char* key, const std::string& where) {
  Napi::Value value = object.Get(key);
  if (!value.IsBoolean()) Fail(object.Env(), where + "." + key, "a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::vector<std::string> ReadStrings(const Napi::Object& object, const char* key, const std::string& where) {
  Napi::Value value = object.Get(key);
  if (!value.IsArray()) Fail(object.Env(), where + "." + key, "an array of strings");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) Fail(object.Env(), where + "." + key + "[" + std::to_string(i) + "]", "a string");
    std::string line = item.As<Napi::String>().Utf8Value();
    // A CR or LF inside a header would let a value smuggle extra headers into the request.
    if (line.find_first_of("\r\n") != std::string::npos) {
      Fail(object.Env(), where + "." + key + "[" + std::to_string(i) + "]", "a header line without CR/LF");
    }
    out.push_back(std::move(line));
  }
  return out;
}

RetryPolicy ReadRetry(const Napi::Value& value, const std::string& where) {
  Napi::Object object = AsObject(value, where);
  RetryPolicy policy;
  policy.maxRetries = static_cast<int>(ReadCount(object, "maxRetries", where, 1000000));
  policy.baseDelayMs = ReadMilliseconds(object, "baseDelay", where);
  policy.maxDelayMs = ReadMilliseconds(object, "maxDelay", where);
  policy.backoffMultiplier = ReadNumber(object, "backoffMultiplier", where);
  policy.enableJitter = ReadBool(object, "enableJitter", where);
  policy.retryableStatusCodes.clear();
  Napi::Value codes = object.Get("retryableStatusCodes");
  if (!codes.IsArray()) Fail(object.Env(), where + ".retryableStatusCodes", "an array of numbers");
  Napi::Array array = codes.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value code = array.Get(i);
    if (!code.IsNumber()) Fail(object.Env(), where + ".retryableStatusCodes", "an array of numbers");
    policy.retryableStatusCodes.push_back(static_cast<long>(code.As<Napi::Number>().Int64Value()));
  }
  return policy;
}

}  // namespace

RequestSpec ReadRequestSpec(const Napi::Value& value, const std::string& where) {
  Napi::Object object = AsObject(value, where);
  RequestSpec spec;
  spec.method = ReadString(object, "method", where);
  if (!IsToken(spec.method)) Fail(object.Env(), where + ".method", "an HTTP method token (RFC 9110)");
  spec.url = ReadString(object, "url", where);
  spec.headers = ReadStrings(object, "headers", where);
  Napi::Value body = object.Get("body");
  if (body.IsString()) {
    spec.hasBody = true;
    spec.body = body.As<Napi::String>().Utf8Value();
  } else if (body.IsTypedArray()) {
    Napi::TypedArray typed = body.As<Napi::TypedArray>();
    const char* data = static_cast<const char*>(typed.ArrayBuffer().Data()) + typed.ByteOffset();
    spec.hasBody = true;
    spec.body.assign(data, typed.ByteLength());
  } else if (!body.IsUndefined() && !body.IsNull()) {
    Fail(object.Env(), where + ".body", "a string or a Uint8Array");
  }
  Napi::Value file = object.Get("bodyFile");
  if (!file.IsUndefined()) {
    if (spec.hasBody) Fail(object.Env(), where + ".bodyFile", "absent when body is given");
    Napi::Object range = AsObject(file, where + ".bodyFile");
    spec.hasBodyFile = true;
    spec.bodyFilePath = ReadString(range, "path", where + ".bodyFile");
    double offset = ReadNumber(range, "offset", where + ".bodyFile");
    double length = ReadNumber(range, "length", where + ".bodyFile");
    if (!(offset >= 0 && length >= 0 && offset <= kMaxSafeInteger && length <= kMaxSafeInteger)) {
      Fail(object.Env(), where + ".bodyFile", "a range with offset >= 0 and length >= 0");
    }
    spec.bodyFileOffset = static_cast<int64_t>(offset);
    spec.bodyFileLength = static_cast<int64_t>(length);
  }
  Napi::Value download = object.Get("downloadTo");
  if (!download.IsUndefined()) spec.downloadTo = ReadString(object, "downloadTo", where);
  Napi::Value progress = object.Get("progress");
  if (!progress.IsUndefined()) spec.progress = ReadBool(object, "progress", where);
  spec.retry = ReadRetry(object.Get("retry"), where + ".retry");
  spec.proxy = ReadProxy(object, where);
  spec.timeoutMs = ReadMilliseconds(object, "timeout", where, 0);
  spec.connectTimeoutMs = ReadMilliseconds(object, "connectTimeout", where, kDefaultConnectTimeoutMs);
  spec.stallTimeoutMs = ReadMilliseconds(object, "stallTimeout", where, kDefaultStallTimeoutMs);
  if (!object.Get("awaitsModel").IsUndefined()) spec.awaitsModel = ReadBool(object, "awaitsModel", where);
  return spec;
}

SubscribeSpec ReadSubscribeSpec(const Napi::Value& value) {
  const std::string where = "subscribe spec";
  Napi::Object object = AsObject(value, where);
  SubscribeSpec spec;
  spec.submit = ReadRequestSpec(object.Get("submit"), where + ".submit");
  spec.requestsPrefix = ReadString(object, "requestsPrefix", where);
  spec.headers = ReadStrings(object, "headers", where);
  spec.logs = ReadBool(object, "logs", where);
  spec.pollIntervalMs = static_cast<int64_t>(ReadMilliseconds(object, "pollInterval", where));
  spec.statusUpdates = ReadBool(object, "statusUpdates", where);
  spec.timeoutMs = static_cast<int64_t>(ReadMilliseconds(object, "timeout", where));
  spec.statusRetry = ReadRetry(object.Get("statusRetry"), where + ".statusRetry");
  spec.resultRetry = ReadRetry(object.Get("resultRetry"), where + ".resultRetry");
  spec.proxy = ReadProxy(object, where);
  return spec;
}

StreamSpec ReadStreamSpec(const Napi::Value& value) {
  const std::string where = "stream spec";
  Napi::Object object = AsObject(value, where);
  StreamSpec spec;
  spec.request = ReadRequestSpec(object.Get("request"), where + ".request");
  spec.idleTimeoutMs = static_cast<int64_t>(ReadMilliseconds(object, "idleTimeout", where));
  spec.highWaterMark = ReadCount(object, "highWaterMark", where, kMaxSafeInteger);
  if (spec.highWaterMark < 1) Fail(object.Env(), where + ".highWaterMark", "a number >= 1");
  return spec;
}

ClientOptions ReadClientOptions(const Napi::Value& value) {
  const std::string where = "client options";
  Napi::Object object = AsObject(value, where);
  ClientOptions options;
  options.caPem = ReadOptionalString(object, "caPem", where);
  options.caFile = ReadOptionalString(object, "caFile", where);
  if (!object.Get("maxConnectionsPerHost").IsUndefined()) {
    options.maxConnectionsPerHost = static_cast<int>(ReadCount(object, "maxConnectionsPerHost", where, kMaxConnectionsPerHostLimit));
    if (options.maxConnectionsPerHost < 1) Fail(object.Env(), where + ".maxConnectionsPerHost", "an integer from 1 to 1024");
  }
  return options;
}

}  // namespace falnative
