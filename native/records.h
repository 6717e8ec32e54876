// What the I/O thread hands back to JS: one record per event of a job. Records are moved across
// threads in batches (dispatcher.h) and turned into JS objects only on the JS thread.
#pragma once

#include <cstdint>
#include <string>

namespace falnative {

// A finished HTTP exchange as seen after redirects.
struct HttpResponse {
  long status = 0;
  std::string statusText;
  std::string headers;  // raw header block of the final response
  std::string requestId;
  std::string contentType;
  std::string timeoutType;
  std::string body;
  bool bodyIsText = true;
  bool bodyIsJson = false;  // IsJsonContentType(contentType): the one rule, reported to JS
  std::string jsonError;  // set when a JSON body failed validation
  std::string queueRequestId, queueStatus;  // read while validating (json.h QueueFields)
  std::string url;        // effective URL
};

struct Record {
  enum class Type {
    Response, Error, Enqueued, Status, Timeout, Progress,
    StreamHead,    // a streaming request got its 2xx response head (in `response`, body empty)
    StreamEvents,  // `count` SSE events as one JSON array text in `body`
    StreamChunk,   // raw bytes of a non-SSE streaming body in `response.body`
    StreamEnd,     // final: the streaming body ended cleanly
  };

  uint64_t id = 0;
  Type type = Type::Response;
  int attempts = 0;
  HttpResponse response;   // Response
  // Error: structured fields; JS composes the message from them (`message` is kept until it does).
  std::string code;        // Node-style code (ECONNREFUSED, ETIMEDOUT, ...)
  std::string reason;      // NativeErrorReason in lib/native/binding.ts: timeout, connect, stall, transport, ...
  std::string message;     // deprecated: composed natively for now
  std::string method;      // of the failing call
  std::string url;         // of the failing call
  int curlCode = 0;        // 0 when curl was not the one failing
  std::string curlText;    // curl's error text
  long status = 0;         // HTTP status of the failing attempt when a head had arrived
  int64_t timeoutMs = 0;   // the deadline that expired (timeout, connect, stall)
  std::string requestId;   // Enqueued, Timeout
  std::string body;        // Enqueued (submit JSON), Status (status JSON)
  int64_t sent = 0, sendTotal = 0, received = 0, receiveTotal = 0;  // Progress
  int64_t count = 0;   // StreamEvents
  int64_t bytes = 0;   // StreamEvents, StreamChunk: bytes to acknowledge once JS consumed them
  std::string detail;  // Error: the offending data of a malformed stream event

  bool IsFinal() const {
    return type == Type::Response || type == Type::Error || type == Type::Timeout || type == Type::StreamEnd;
  }
};

}  // namespace falnative
