// Module entry. Context-aware: every environment (main thread, each worker, each Electron
// renderer) gets its own instance with no shared JS state; only curl's global init is shared.
#include <curl/curl.h>
#include <napi.h>

#include <mutex>

#ifdef FAL_NATIVE_BUNDLED_OPENSSL
#include <openssl/crypto.h>
#endif

#include "client.h"

namespace falnative {

#ifdef FAL_NATIVE_BUNDLED_OPENSSL
constexpr const char* kNetworkStack = "bundled";  // libcurl and OpenSSL compiled in
#else
constexpr const char* kNetworkStack = "system";  // the host's libcurl
#endif

class FalAddon : public Napi::Addon<FalAddon> {
 public:
  FalAddon(Napi::Env env, Napi::Object exports) {
    static std::once_flag curlInit;
    std::call_once(curlInit, [] {
#ifdef FAL_NATIVE_BUNDLED_OPENSSL
      // Our OpenSSL must not free its global state from an atexit handler: closing a client only
      // signals its I/O thread, which may still be freeing connections while the process exits.
      // The first initialisation decides, so this comes before curl's.
      OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
#endif
      curl_global_init(CURL_GLOBAL_ALL);
    });
    DefineAddon(exports, {
                             InstanceValue("Client", Client::Define(env), napi_enumerable),
                             InstanceValue("curlVersion", Napi::String::New(env, curl_version()), napi_enumerable),
                             InstanceValue("networkStack", Napi::String::New(env, kNetworkStack), napi_enumerable),
                         });
  }
};

}  // namespace falnative

using falnative::FalAddon;
NODE_API_ADDON(FalAddon)
