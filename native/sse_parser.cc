#include "sse_parser.h"

#include <cstring>

namespace falnative {

bool SseParser::Feed(const char* data, size_t size) {
  size_t pos = 0;
  if (atStart_ && size > 0) {
    // The BOM may itself be split across reads; wait until three bytes are available.
    partialLine_.append(data, size);
    if (partialLine_.size() < 3 && std::string_view("\xEF\xBB\xBF").substr(0, partialLine_.size()) == partialLine_) {
      return true;
    }
    atStart_ = false;
    std::string buffered;
    buffered.swap(partialLine_);
    size_t skip = buffered.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    return Feed(buffered.data() + skip, buffered.size() - skip);
  }
  if (skipLeadingLf_ && size > 0) {
    skipLeadingLf_ = false;
    if (data[0] == '\n') pos = 1;
  }
  while (pos < size) {
    // Lines end with CRLF, LF or CR.
    const char* start = data + pos;
    size_t left = size - pos;
    const char* lf = static_cast<const char*>(std::memchr(start, '\n', left));
    const char* cr = static_cast<const char*>(std::memchr(start, '\r', lf ? static_cast<size_t>(lf - start) : left));
    const char* end = cr ? cr : lf;
    if (!end) {
      if (partialLine_.size() + left > kMaxEventBytes) return false;
      partialLine_.append(start, left);
      return true;
    }
    std::string_view piece(start, static_cast<size_t>(end - start));
    pos = static_cast<size_t>(end - data) + 1;
    if (*end == '\r') {
      if (pos < size) {
        if (data[pos] == '\n') pos++;
      } else {
        skipLeadingLf_ = true;
      }
    }
    bool ok;
    if (partialLine_.empty()) {
      ok = ProcessLine(piece);
    } else {
      partialLine_.append(piece.data(), piece.size());
      ok = ProcessLine(partialLine_);
      partialLine_.clear();
    }
    if (!ok) return false;
  }
  return true;
}

bool SseParser::ProcessLine(std::string_view line) {
  if (line.empty()) {
    Dispatch();
    return true;
  }
  if (line[0] == ':') return true;  // a comment, e.g. a keep-alive
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  // Only data matters to fal clients: every event is JSON data whatever its name, and the
  // reconnection fields (id, retry) do not apply to a one-shot request.
  if (field == "data") {
    if (data_.size() + value.size() + 1 > kMaxEventBytes) return false;
    if (hasData_) data_ += '\n';
    data_.append(value.data(), value.size());
    hasData_ = true;
  }
  return true;
}

void SseParser::Dispatch() {
  if (!hasData_) return;  // an event without data lines is not dispatched
  onEvent_(data_);
  data_.clear();
  hasData_ = false;
}

}  // namespace falnative
