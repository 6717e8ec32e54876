// Node's error code for a failed certificate check (UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
// ERR_TLS_CERT_ALTNAME_INVALID, ...), so code written against fetch's errors recognises ours.
#pragma once

#include <curl/curl.h>

#include <string>

namespace falnative {

// For a transfer that failed with CURLE_PEER_FAILED_VERIFICATION.
std::string CertificateErrorCode(CURL* easy);

}  // namespace falnative
