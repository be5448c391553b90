#pragma once
// HTTP/1.1 server shared by the broker's REST facade, the agent's health port and the simulated
// cluster (docs/adr/0010). Boost.Beast lives only in http_server.cpp: this header is cheap to include.
//
// Threading contract:
// - The handler runs on an io thread and must not block; it answers through the responder, from any
//   thread, whenever it likes (the broker answers from a CAF actor).
// - responder::send / begin_stream may be called exactly once; later calls are ignored.
// - A stream is written from any thread; writes are queued on the connection's strand.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.hpp"
#include "common/http_headers.hpp"
#include "common/http_url.hpp"

namespace brokkr::http {

struct request {
  std::string method;          // "GET", upper case as sent
  std::string target;          // raw request target: "/a%20b?x=1"
  std::string path;            // percent-decoded path: "/a b"
  query_params query;          // decoded query parameters
  header_map headers;          // case-insensitive lookup
  std::string body;
  std::string remote_address;  // "127.0.0.1:53412"
};

struct response {
  int status = 200;
  header_list headers;         // extra fields; Content-Type and Content-Length are set from below
  std::string content_type;    // empty: no Content-Type field
  std::string body;
};

// A chunked response body (NDJSON watch streams, server-sent events). Thread-safe.
class stream {
 public:
  virtual ~stream() = default;
  // Queues one chunk. False once the stream is closed (peer gone, finished, aborted, or the client
  // fell more than server_config::stream_buffer_limit bytes behind, which closes the stream).
  virtual bool write(std::string chunk) = 0;
  // Ends the body with the terminating chunk; the connection then serves the next request.
  virtual void finish() = 0;
  // Closes the connection without the terminating chunk, as a crashed server would (fault injection).
  virtual void abort() = 0;
  // Called once, on any thread, when the stream ends for whatever reason. Called at once if the
  // stream has already ended.
  virtual void on_close(std::function<void()> callback) = 0;
  virtual bool closed() const = 0;
  // Bytes written but not yet sent to the client: a producer that can wait reads this to pace itself.
  virtual size_t queued() const = 0;
};

// The one-shot answer to a request. Thread-safe; if the connection is gone, answering is a no-op.
// Every request is answered: a responder dropped without an answer (a handler that threw, an actor
// that died) answers 500 from its destructor.
class responder {
 public:
  virtual ~responder() = default;
  virtual void send(response r) = 0;
  virtual std::shared_ptr<stream> begin_stream(int status, header_list headers, std::string content_type) = 0;
  // True once the client has disconnected (best effort: detected while the answer is pending).
  virtual bool client_gone() const = 0;
};

using handler = std::function<void(request, std::shared_ptr<responder>)>;
// Builds the bodies of errors the server itself produces (400, 413, 500, 503).
using error_factory = std::function<response(int status, std::string code, std::string message)>;

struct tls_config {
  // Either a file path or the PEM text itself for each; the PEM text wins when both are given.
  std::string cert_file;
  std::string key_file;
  std::string cert_pem;  // may hold the leaf followed by intermediates
  std::string key_pem;
};

// Every limit bounds what one peer can make the server hold (docs/security.md lists them with the
// flags that set them). Memory per connection is at most header_limit + framing_limit of unparsed
// input plus the request body (body_limit) plus stream_buffer_limit of queued output.
struct server_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                                 // 0: an ephemeral port, returned by start()
  int io_threads = 1;
  size_t body_limit = 1024 * 1024;                   // larger request bodies get 413
  size_t header_limit = 64 * 1024;                   // request line + fields; larger gets 431
  size_t framing_limit = 16 * 1024;                  // one chunk-size line with extensions, or the trailer: 400
  std::chrono::seconds header_timeout{10};           // first byte of a request to its last header field
  std::chrono::seconds body_timeout{60};             // end of the header to the end of the body
  std::chrono::seconds idle_timeout{60};             // keep-alive connections idle this long are closed
  std::chrono::seconds write_timeout{30};            // a client that does not read for this long is dropped
  size_t stream_buffer_limit = 8 * 1024 * 1024;      // queued stream bytes before a slow client is dropped
  size_t max_connections = 4096;                     // beyond this, new connections get 503 and are closed
  std::optional<tls_config> tls;
  error_factory make_error;                          // default: {"error":{"code","message","details":{}}}
};

// {"error":{"code":...,"message":...,"details":{}}} as application/json: the default error body.
response default_error(int status, std::string code, std::string message);

class server {
 public:
  server(server_config cfg, handler h);
  ~server();  // stop(0s) if still running
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds, listens and starts the io threads; returns the bound port or why it could not.
  expected<uint16_t, std::string> start();
  // Stops accepting; answers new requests on open connections with 503; closes idle connections;
  // ends open streams; waits up to `timeout` for in-flight requests; then closes everything and
  // joins the io threads. Safe to call more than once.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  uint16_t port() const;
  // Connections currently open (for tests and metrics).
  size_t open_connections() const;
  // Connections refused because max_connections were open, and accept() failures (EMFILE...).
  uint64_t refused_connections() const;
  uint64_t accept_failures() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace brokkr::http
