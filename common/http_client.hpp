#pragma once
// Blocking HTTP client on libcurl, shared by the Kubernetes client, the agent's HTTP transport and the
// CLI. One client owns one curl handle and reuses its connections: use one client per thread.
// curl stays inside http_client.cpp.
//
// Transport failures (no HTTP answer at all) come back as a typed transport_error; an HTTP answer of
// any status is a client_response. Nothing is ever decided by parsing error text.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/expected.hpp"
#include "common/http_headers.hpp"

namespace brokkr::http {

struct tls_options {
  // For each of CA, client certificate and client key: a file path or the PEM text (PEM text wins).
  std::string ca_file;
  std::string ca_pem;
  std::string client_cert_file;
  std::string client_cert_pem;
  std::string client_key_file;
  std::string client_key_pem;
  bool insecure_skip_verify = false;  // verify the server certificate and host name unless set
};

struct client_request {
  std::string method = "GET";
  std::string url;
  header_list headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};          // whole transfer; 0 = none (watch streams)
  std::chrono::milliseconds connect_timeout{10000};
};

struct client_response {
  int status = 0;
  header_map headers;
  std::string body;
};

enum class transport_errc {
  invalid_request,     // bad URL or option (a bug or bad configuration, not worth retrying)
  resolve_failed,      // DNS
  connect_failed,      // refused, unreachable
  tls_verify_failed,   // the server certificate is not trusted or does not match the host
  tls_failed,          // handshake or certificate/key loading failed for another reason
  timeout,             // connect or transfer timeout
  connection_lost,     // sent or received partially, then the connection broke
  aborted,             // stopped by the caller (abort flag)
  other,
};

std::string_view to_string(transport_errc code);
// Worth retrying with backoff: resolve, connect, timeout and connection_lost.
bool is_transient(transport_errc code);

struct transport_error {
  transport_errc code = transport_errc::other;
  std::string message;  // for humans only
};

// How a streamed transfer ended when the server answered.
enum class stream_end { completed, stopped_by_callback, aborted };

struct stream_result {
  int status = 0;
  header_map headers;
  stream_end end = stream_end::completed;
};

class client {
 public:
  explicit client(tls_options tls = {});
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // One request, whole body in memory. `abort`, when given, is polled about every 100 ms.
  expected<client_response, transport_error> perform(const client_request& req,
                                                     const std::atomic<bool>* abort = nullptr);

  using headers_callback = std::function<bool(int status, const header_map& headers)>;
  using data_callback = std::function<bool(std::string_view chunk)>;
  // A streamed response: on_headers once the final status is known, then on_data for each piece of
  // the body as it arrives. Either callback returning false ends the transfer (stream_end::
  // stopped_by_callback); so does `abort` turning true (stream_end::aborted, within ~100 ms).
  expected<stream_result, transport_error> perform_stream(const client_request& req, const headers_callback& on_headers,
                                                          const data_callback& on_data,
                                                          const std::atomic<bool>* abort = nullptr);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace brokkr::http
