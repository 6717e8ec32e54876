#include "certificate_errors.h"

namespace falnative {

std::string CertificateErrorCode(CURL* easy) {
  long result = 0;
  curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &result);
  // OpenSSL's X509_V_ERR_* numbers, named as Node names them (stable since OpenSSL 1.0).
  switch (result) {
    case 0:   // the chain verified; curl's own host name check failed
    case 1:   // curl checks the host name first and leaves its "not OK yet" value when that fails
    case 62:  // X509_V_ERR_HOSTNAME_MISMATCH
    case 64:  // X509_V_ERR_IP_ADDRESS_MISMATCH
      return "ERR_TLS_CERT_ALTNAME_INVALID";
    case 2: return "UNABLE_TO_GET_ISSUER_CERT";
    case 9: return "CERT_NOT_YET_VALID";
    case 10: return "CERT_HAS_EXPIRED";
    case 18: return "DEPTH_ZERO_SELF_SIGNED_CERT";
    case 19: return "SELF_SIGNED_CERT_IN_CHAIN";
    case 20: return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
    case 21: return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
    case 23: return "CERT_REVOKED";
    case 24: return "INVALID_CA";
    case 26: return "INVALID_PURPOSE";
    case 27: return "CERT_UNTRUSTED";
    case 28: return "CERT_REJECTED";
    default: return "ERR_TLS_CERT_VERIFY_FAILED";
  }
}

}  // namespace falnative
