// The transport error vocabulary, apart from http_client.cpp so that code which only classifies errors
// (the Kubernetes client's api_status, the simulated cluster) does not pull libcurl into its binary.
#include "common/http_client.hpp"

namespace brokkr::http {

std::string_view to_string(transport_errc code) {
  switch (code) {
    case transport_errc::invalid_request: return "invalid_request";
    case transport_errc::resolve_failed: return "resolve_failed";
    case transport_errc::connect_failed: return "connect_failed";
    case transport_errc::tls_verify_failed: return "tls_verify_failed";
    case transport_errc::tls_failed: return "tls_failed";
    case transport_errc::timeout: return "timeout";
    case transport_errc::connection_lost: return "connection_lost";
    case transport_errc::aborted: return "aborted";
    case transport_errc::other: return "other";
  }
  return "other";
}

bool is_transient(transport_errc code) {
  return code == transport_errc::resolve_failed || code == transport_errc::connect_failed ||
         code == transport_errc::timeout || code == transport_errc::connection_lost;
}

}  // namespace brokkr::http
