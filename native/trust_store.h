// The CA certificates a client trusts (Node's store, or config.ca), parsed once per distinct PEM
// text for the whole process and shared by every connection of every client. Re-parsing a
// 440 KB bundle for each TLS connection is what made NODE_EXTRA_CA_CERTS cost ~20 ms a handshake.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#ifdef FAL_NATIVE_BUNDLED_OPENSSL
#include <openssl/x509.h>
#endif

namespace falnative {

class TrustStore {
 public:
  // The store for `pem`, parsed on first request and reused while any client holds it. Any thread.
  // `file` holds the same certificates; only the system-libcurl build uses it.
  static std::shared_ptr<const TrustStore> ForPem(const std::string& pem, const std::string& file);

  TrustStore(const std::string& pem, const std::string& file);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // Makes `easy` verify servers (and an HTTPS proxy) against this store and nothing else.
  void ApplyTo(CURL* easy) const;

 private:
#ifdef FAL_NATIVE_BUNDLED_OPENSSL
  // curl calls this for each new TLS connection, before the handshake.
  static CURLcode InstallOnContext(CURL* easy, void* sslContext, void* self);
  X509_STORE* store_ = nullptr;
#else
  // The host's libcurl shares a parsed store only through its CA cache (per client, curl >= 7.87),
  // which works for a CA file; PEM text it would re-parse for every connection.
  std::string pem_;
  std::string file_;
#endif
};

}  // namespace falnative
