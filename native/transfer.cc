#include "transfer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <string_view>

#include "ascii.h"
#include "errno_name.h"
#include "json.h"
#include "platform.h"

namespace falnative {
namespace {

// Responses larger than this are refused instead of exhausting the host's memory.
constexpr size_t kMaxBodyBytes = size_t{1} << 30;

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// The value of the last header `name` (lower-case) in a raw block, "" when absent. Runs for a few
// names on every response: views only, no copies until the value is found.
std::string HeaderValue(std::string_view block, std::string_view name) {
  std::string_view value;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t end = block.find("\r\n", pos);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(pos, end - pos);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && EqualsIgnoringAsciiCase(line.substr(0, colon), name)) {
      value = Trim(line.substr(colon + 1));
    }
    pos = end + 2;
  }
  return std::string(value);
}

// What shares connections: the origin ("http://host:port", lower-case) and the proxy in front.
std::string HostKey(const std::string& url, const std::string& proxy) {
  size_t scheme = url.find("://");
  size_t end = scheme == std::string::npos ? std::string::npos : url.find_first_of("/?#", scheme + 3);
  std::string key = AsciiLower(url.substr(0, end));
  if (!proxy.empty()) key += " via " + proxy;
  return key;
}

// "ENOENT" for errno 2, as Node names fs errors.
std::string ErrnoCode(int error) {
  const char* name = ErrnoName(error);
  return name ? name : "EIO";
}

// Progress is reported at most this often per transfer; the final counts always go out.
constexpr auto kProgressInterval = std::chrono::milliseconds(50);

bool IsTextContentType(const std::string& contentType) {
  std::string type = AsciiLower(contentType);
  return type.empty() || type.find("json") != std::string::npos || type.rfind("text/", 0) == 0 ||
         type.find("xml") != std::string::npos || type.find("javascript") != std::string::npos ||
         type.find("x-www-form-urlencoded") != std::string::npos;
}

}  // namespace

Transfer::Transfer(Call* owner, const RequestSpec& spec, const TransferSettings& settings, ProgressFn progress)
    : owner_(owner), spec_(spec), settings_(settings), progress_(std::move(progress)), awaitsModel_(spec.awaitsModel) {
  if (!awaitsModel_) hostKey_ = HostKey(spec.url, spec.proxy);
  // Opened now, so that a missing file fails the call before it waits for a connection.
  if (spec.hasBodyFile) OpenBodyFile();
}

std::string Transfer::Attach() {
  // The handle is taken only now: thousands of transfers may wait in their host's queue
  // (IoLoop::AddTransfer), and a handle with its buffers is several kilobytes each.
  const RequestSpec& spec = spec_;
  easy_ = settings_.handles ? settings_.handles->Take() : curl_easy_init();
  if (!easy_) return "curl_easy_init failed";
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
  // Removing a handle whose name is still being resolved must not wait for the resolver thread
  // (curl 8.14 joins it otherwise: a cancel or close would wait for DNS). The thread is detached
  // and finishes on its own.
  curl_easy_setopt(easy_, CURLOPT_QUICK_EXIT, 1L);
  curl_easy_setopt(easy_, CURLOPT_URL, spec_.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, errorBuffer_);
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  // The URL is sent as JS serialized it (WHATWG already resolved its dot segments); curl's own
  // normalization would also decode %2E%2E, letting an encoded request id climb out of its path.
  curl_easy_setopt(easy_, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // fetch follows redirects; curl drops a custom Authorization header when the host changes.
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");  // gzip, br, zstd: whatever curl has
  // HTTP/2 where TLS offers it (ALPN); plain http:// is HTTP/1.1 (no h2c), and saying so keeps
  // curl from holding transfers back for a connection whose version it does not know yet.
  bool plain = spec_.url.size() >= 7 && AsciiLower(spec_.url.substr(0, 7)) == "http://";
  curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, plain ? CURL_HTTP_VERSION_1_1 : CURL_HTTP_VERSION_2TLS);
  // No CURLOPT_PIPEWAIT here: curl 8.14 parks a transfer that waits for a connection still being
  // set up and, when that one turns out HTTP/1.1, wakes it only once some other transfer ends; a
  // long fal.run would hold every call behind it. IoLoop sets it for hosts known to multiplex and
  // learns the version of an unknown host with one call first (IoLoop::Limit).
  // Deadlines (specs.h): connect per attempt; the stall deadline is the Call's; dead peers during
  // a long wait for the first response byte are found by keep-alive probes within ~30 s.
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(ClampMilliseconds(spec.connectTimeoutMs)));
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPIDLE, kKeepAliveIdleSeconds);
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPINTVL, kKeepAliveIntervalSeconds);
#if LIBCURL_VERSION_NUM >= 0x080900
  curl_easy_setopt(easy_, CURLOPT_TCP_KEEPCNT, kKeepAliveProbes);  // older curl: the OS default count
#endif
  // Bodies kept in memory are capped; a download to a file may be as large as the disk allows.
  if (spec_.downloadTo.empty()) curl_easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxBodyBytes));
  if (progress_) {
    curl_easy_setopt(easy_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy_, CURLOPT_XFERINFOFUNCTION, &Transfer::OnProgress);
    curl_easy_setopt(easy_, CURLOPT_XFERINFODATA, this);
  }
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  if (settings_.trust) settings_.trust->ApplyTo(easy_);
  // JS decides the proxy of every request (lib/network/proxy.ts). An empty CURLOPT_PROXY and
  // CURLOPT_NOPROXY keep curl from reading the proxy environment variables with rules of its own.
  curl_easy_setopt(easy_, CURLOPT_PROXY, spec.proxy.c_str());
  curl_easy_setopt(easy_, CURLOPT_NOPROXY, "");

  // Built once per spec and shared by its attempts (a subscribe's status polls): curl only reads it.
  if (!spec.headerList) {
    curl_slist* list = nullptr;
    for (const auto& line : spec.headers) list = curl_slist_append(list, line.c_str());
    // curl would otherwise wait for "100 Continue" before larger bodies; fetch never does.
    list = curl_slist_append(list, "Expect:");
    spec.headerList = std::shared_ptr<void>(list, [](void* list) { curl_slist_free_all(static_cast<curl_slist*>(list)); });
  }
  headerList_ = spec.headerList;
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(headerList_.get()));

  // libcurl silently resends a request once when a reused keep-alive connection turns out to be
  // dead before any response byte. When the caller asked for no retries, a POST must reach the
  // server at most once, so it gets a connection of its own.
  if (spec.retry.maxRetries == 0 && (spec_.method == "POST" || spec_.method == "PATCH")) {
    curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, 1L);
  }

  SetUpBody();
  return "";
}

void Transfer::OpenBodyFile() {
  bodyFile_ = platform::OpenFile(spec_.bodyFilePath, "rb");
  if (!bodyFile_ || platform::SeekFile(bodyFile_, spec_.bodyFileOffset) != 0) {
    FailLocally("cannot read " + spec_.bodyFilePath, errno);
    return;
  }
  bodyFileLeft_ = spec_.bodyFileLength;
}

void Transfer::SetUpBody() {
  if (spec_.hasBodyFile) {
    curl_easy_setopt(easy_, CURLOPT_READFUNCTION, &Transfer::OnReadBody);
    curl_easy_setopt(easy_, CURLOPT_READDATA, this);
    if (spec_.method == "PUT") {
      curl_easy_setopt(easy_, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(easy_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(bodyFileLeft_));
    } else {
      curl_easy_setopt(easy_, CURLOPT_POST, 1L);
      curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(bodyFileLeft_));
      if (spec_.method != "POST") curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, spec_.method.c_str());
    }
  } else if (spec_.method == "GET") {
    curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
  } else if (spec_.method == "HEAD") {
    curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  } else {
    // POSTFIELDS with a custom method sends the body (or Content-Length: 0) for PUT, DELETE, ...
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(spec_.body.size()));
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, spec_.body.data());
    if (spec_.method != "POST") curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, spec_.method.c_str());
  }
}

void Transfer::FailLocally(const std::string& what, int error) {
  if (!localErrorCode_.empty()) return;
  localErrorCode_ = ErrnoCode(error);
  localErrorText_ = what + ": " + std::strerror(error);
}

size_t Transfer::OnReadBody(char* buffer, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  size_t wanted = std::min<int64_t>(static_cast<int64_t>(size * count), transfer->bodyFileLeft_);
  if (wanted == 0) return 0;
  size_t got = std::fread(buffer, 1, wanted, transfer->bodyFile_);
  if (got == 0) {
    // The file ended early (truncated while uploading) or failed: never send a short body.
    transfer->FailLocally("reading the upload file", std::ferror(transfer->bodyFile_) ? errno : EIO);
    return CURL_READFUNC_ABORT;
  }
  transfer->bodyFileLeft_ -= static_cast<int64_t>(got);
  return got;
}

int Transfer::OnProgress(void* self, curl_off_t dlTotal, curl_off_t dlNow, curl_off_t ulTotal, curl_off_t ulNow) {
  auto* transfer = static_cast<Transfer*>(self);
  int64_t now[4] = {ulNow, ulTotal, dlNow, dlTotal};
  if (std::equal(now, now + 4, transfer->progressNow_)) return 0;
  std::copy(now, now + 4, transfer->progressNow_);
  auto clock = std::chrono::steady_clock::now();
  if (clock - transfer->lastProgress_ < kProgressInterval) return 0;
  transfer->lastProgress_ = clock;
  transfer->progress_(ulNow, ulTotal, dlNow, dlTotal);
  return 0;
}

int64_t Transfer::BytesMoved() const {
  curl_off_t sent = 0;
  if (easy_) curl_easy_getinfo(easy_, CURLINFO_SIZE_UPLOAD_T, &sent);
  return static_cast<int64_t>(sent) + received_;
}

bool Transfer::MustMakeProgress() const {
  if (responseStarted_) return !sinking_;
  if (!easy_) return false;  // still waiting for a connection in its host's queue
  curl_off_t connected = 0, sent = 0, total = -1;
  curl_easy_getinfo(easy_, CURLINFO_CONNECT_TIME_T, &connected);
  if (connected == 0) return false;  // still connecting: the connect deadline's business
  curl_easy_getinfo(easy_, CURLINFO_SIZE_UPLOAD_T, &sent);
  curl_easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_UPLOAD_T, &total);
  if (total > 0 && sent < total) return true;  // still sending the body
  return !awaitsModel_;  // waiting for the answer: a stall unless a model may be running first
}

void Transfer::ReportFinalProgress() {
  if (progress_) progress_(progressNow_[0], progressNow_[1], progressNow_[2], progressNow_[3]);
}

bool Transfer::StartDownloadFile() {
  // Written next to the target and renamed on success, so a failed or cancelled download never
  // leaves a truncated file under the requested name.
  std::random_device random;
  downloadTempPath_ = spec_.downloadTo + ".fal-native-" + std::to_string(random()) + ".part";
  downloadFile_ = platform::OpenFile(downloadTempPath_, "wb");
  if (!downloadFile_) {
    FailLocally("cannot write " + spec_.downloadTo, errno);
    downloadTempPath_.clear();
    return false;
  }
  return true;
}

Transfer::~Transfer() {
  // Its Call took it out of the multi handle first (Call::DropTransfer).
  if (easy_ && settings_.handles) {
    settings_.handles->Give(easy_);
  } else if (easy_) {
    curl_easy_cleanup(easy_);
  }
  if (bodyFile_) std::fclose(bodyFile_);
  if (downloadFile_) std::fclose(downloadFile_);
  if (!downloadTempPath_.empty() && !downloadCommitted_) platform::RemoveFile(downloadTempPath_);
}

Transfer* Transfer::FromEasy(CURL* easy) {
  char* self = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &self);
  return reinterpret_cast<Transfer*>(self);
}

size_t Transfer::OnBody(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  size_t bytes = size * count;
  transfer->received_ += static_cast<int64_t>(bytes);  // offered again after a pause: only a hint
  if (!transfer->bodyChecked_) {
    transfer->bodyChecked_ = true;
    long status = 0;
    curl_easy_getinfo(transfer->easy_, CURLINFO_RESPONSE_CODE, &status);
    // Only a successful body goes to the file; an error body stays in memory for the ApiError.
    bool successful = status >= 200 && status < 300;
    transfer->sinking_ = successful && transfer->sink_ != nullptr;
    bool toFile = !transfer->spec_.downloadTo.empty() && successful;
    if (toFile && !transfer->StartDownloadFile()) return 0;
  }
  if (transfer->sinking_) return transfer->sink_(data, bytes);
  if (transfer->downloadFile_) {
    if (std::fwrite(data, 1, bytes, transfer->downloadFile_) != bytes) {
      transfer->FailLocally("writing " + transfer->spec_.downloadTo, errno);
      return 0;
    }
    return bytes;
  }
  if (transfer->body_.size() + bytes > kMaxBodyBytes) return 0;  // aborts with CURLE_WRITE_ERROR
  transfer->body_.append(data, bytes);
  return bytes;
}

size_t Transfer::OnHeader(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  size_t bytes = size * count;
  transfer->responseStarted_ = true;
  transfer->received_ += static_cast<int64_t>(bytes);
  std::string_view line = Trim(std::string_view(data, bytes));
  if (line.substr(0, 5) == "HTTP/") {
    // A new response starts (redirect, 1xx): only the final one is reported.
    transfer->statusLine_ = std::string(line);
    transfer->headerBlock_.clear();
  } else if (!line.empty()) {
    if (!transfer->headerBlock_.empty()) transfer->headerBlock_ += "\r\n";
    transfer->headerBlock_ += line;
  }
  return bytes;
}

HttpResponse Transfer::Head() const {
  HttpResponse response;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &response.status);
  char* effective = nullptr;
  curl_easy_getinfo(easy_, CURLINFO_EFFECTIVE_URL, &effective);
  response.url = effective ? effective : spec_.url;
  // "HTTP/1.1 404 Not Found" -> "Not Found"; HTTP/2 has no reason phrase.
  size_t first = statusLine_.find(' ');
  size_t second = first == std::string::npos ? std::string::npos : statusLine_.find(' ', first + 1);
  if (second != std::string::npos) response.statusText = statusLine_.substr(second + 1);
  response.headers = headerBlock_;
  response.requestId = HeaderValue(response.headers, "x-fal-request-id");
  response.contentType = HeaderValue(response.headers, "content-type");
  response.timeoutType = HeaderValue(response.headers, "x-fal-request-timeout-type");
  response.bodyIsText = IsTextContentType(response.contentType);
  response.bodyIsJson = IsJsonContentType(response.contentType);
  return response;
}

HttpResponse Transfer::TakeResponse() {
  HttpResponse response = Head();
  response.body = std::move(body_);
  bool successful = response.status >= 200 && response.status < 300;
  if (!spec_.downloadTo.empty() && successful) {
    // An empty body never opened the file: create it now, so the download exists either way.
    if (!downloadFile_ && downloadTempPath_.empty() && !StartDownloadFile()) return response;
    bool flushed = std::fclose(downloadFile_) == 0;
    downloadFile_ = nullptr;
    if (!flushed || platform::ReplaceFile(downloadTempPath_, spec_.downloadTo) != 0) {
      FailLocally("writing " + spec_.downloadTo, errno);
      return response;
    }
    downloadCommitted_ = true;
    response.bodyIsText = true;  // nothing to hand over: the bytes are in the file
    return response;
  }
  if (IsJsonContentType(response.contentType) && response.status >= 200 && response.status < 300) {
    QueueFields fields;
    response.jsonError = ValidateJson(response.body, &fields);
    response.queueRequestId = std::move(fields.requestId);
    response.queueStatus = std::move(fields.status);
  }
  return response;
}

std::string Transfer::ErrorText(CURLcode code) const {
  return errorBuffer_[0] ? std::string(errorBuffer_) : std::string(curl_easy_strerror(code));
}

}  // namespace falnative
