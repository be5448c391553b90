#pragma once
// A throwaway certificate authority and a server certificate it signs, made with the OpenSSL API in a
// few milliseconds (EC P-256). For the simulated cluster's --tls mode and for tests; not for production.
#include <chrono>
#include <string>
#include <vector>

#include "common/expected.hpp"

namespace brokkr::http {

struct self_signed_bundle {
  std::string ca_cert_pem;      // what clients trust (kubeconfig certificate-authority-data)
  std::string server_cert_pem;  // the leaf, signed by the CA
  std::string server_key_pem;   // PKCS#8 private key of the leaf
};

// `hosts` become the leaf's subjectAltName entries: IP addresses as IP, anything else as DNS.
expected<self_signed_bundle, std::string> make_self_signed(const std::vector<std::string>& hosts,
                                                           std::chrono::hours validity = std::chrono::hours(24 * 365));

}  // namespace brokkr::http
