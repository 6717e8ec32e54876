#include "trust_store.h"

#include <mutex>
#include <unordered_map>

#ifdef FAL_NATIVE_BUNDLED_OPENSSL
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#endif

namespace falnative {

std::shared_ptr<const TrustStore> TrustStore::ForPem(const std::string& pem, const std::string& file) {
  // Weak entries: the last client using a store frees it; a later client parses it again.
  static std::mutex mutex;
  static auto* stores = new std::unordered_map<std::string, std::weak_ptr<const TrustStore>>();  // never destroyed: used until exit
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = stores->begin(); it != stores->end();) {
    it = it->second.expired() ? stores->erase(it) : std::next(it);
  }
  std::weak_ptr<const TrustStore>& entry = (*stores)[pem];
  std::shared_ptr<const TrustStore> store = entry.lock();
  if (!store) {
    store = std::make_shared<const TrustStore>(pem, file);
    entry = store;
  }
  return store;
}

#ifdef FAL_NATIVE_BUNDLED_OPENSSL

TrustStore::TrustStore(const std::string& pem, const std::string&) : store_(X509_STORE_new()) {
  BIO* input = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!input) return;
  // Certificates that do not parse are skipped, as Node skips them; the rest still count.
  while (X509* certificate = PEM_read_bio_X509(input, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store_, certificate);
    X509_free(certificate);
  }
  ERR_clear_error();  // the end of the text reads as an error
  BIO_free(input);
}

TrustStore::~TrustStore() { X509_STORE_free(store_); }

CURLcode TrustStore::InstallOnContext(CURL*, void* sslContext, void* self) {
  const auto* trust = static_cast<const TrustStore*>(self);
  // set1 takes a reference: the store outlives any connection that still uses it.
  SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(sslContext), trust->store_);
  return CURLE_OK;
}

void TrustStore::ApplyTo(CURL* easy) const {
  // The bundled curl has no default CA file or path; the store below is all that is trusted.
  curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, &TrustStore::InstallOnContext);
  curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, const_cast<TrustStore*>(this));
}

#else

TrustStore::TrustStore(const std::string& pem, const std::string& file) : pem_(pem), file_(file) {}

TrustStore::~TrustStore() = default;

void TrustStore::ApplyTo(CURL* easy) const {
  if (pem_.empty()) return;  // the host libcurl's own default
  if (!file_.empty()) {
    // Only the file: a CA path beside it would keep curl from caching the parsed store.
    curl_easy_setopt(easy, CURLOPT_CAINFO, file_.c_str());
    curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(easy, CURLOPT_PROXY_CAINFO, file_.c_str());
    curl_easy_setopt(easy, CURLOPT_PROXY_CAPATH, nullptr);
    return;
  }
  curl_blob blob{const_cast<char*>(pem_.data()), pem_.size(), CURL_BLOB_NOCOPY};
  curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
  curl_easy_setopt(easy, CURLOPT_PROXY_CAINFO_BLOB, &blob);
}

#endif

}  // namespace falnative
