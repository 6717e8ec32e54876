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
  std::string jsonError;  // set when a JSON body failed validation
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
  std::string code;        // Error: Node-style code (ECONNREFUSED, ...)
  std::string message;     // Error
  int curlCode = 0;        // Error
  std::string url;         // Error
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
