#pragma once
// Internal to http_server.cpp (includes Beast): one HTTP/1.1 connection over a plain or a TLS stream.
//
//   handshake (TLS) -> reading -> awaiting -> [streaming] -> idle -> reading ...
//                         \-> closed on error, a deadline, Connection: close or server stop
//
// Everything here runs on the connection's strand. After a request is read, one read stays pending
// while the handler works: it detects a client that hangs up (EOF) and it is also the first read of
// the next keep-alive request; bytes of a pipelined request already buffered skip that read. One
// steady_timer serves every deadline: header (first byte to last field), body, idle, write.
//
// Unparsed input is bounded by the buffer's maximum (header_limit + framing_limit + one read), so
// no peer can make a connection hold more than that plus the body limit.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "common/http_server.hpp"
#include "common/http_stream_state.hpp"
#include "common/http_wire.hpp"
#include "common/log.hpp"

namespace brokkr::http::detail {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = beast::http;
using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// What a connection needs from its server; owned by the server, outlives every connection.
struct connection_env {
  const server_config* cfg = nullptr;
  const handler* on_request = nullptr;
  const std::atomic<bool>* stopping = nullptr;
  std::function<void(uint64_t)> unregister;
};

class connection_base {
 public:
  virtual ~connection_base() = default;
  virtual void begin_shutdown() = 0;  // server stop: close idle, end streams, let requests finish
  virtual void force_close() = 0;
};

// Builds the handler's view of a parsed request; nullopt when the target cannot be decoded.
std::optional<request> make_request(const bhttp::request<bhttp::string_body>& msg, const std::string& remote);

// An error answer the server gives instead of calling the handler.
struct refusal {
  int status;
  std::string code;
  std::string message;
};

// RFC 9112 6.3: only plain "chunked" is implemented; a final coding other than chunked has no
// knowable length (and Beast would read the body as the next request).
std::optional<refusal> check_transfer_encoding(const bhttp::request_parser<bhttp::string_body>& parser);
// Trailer fields join the header's: together they stay within the header limit.
std::optional<refusal> check_fields_size(const bhttp::request<bhttp::string_body>& msg, size_t header_limit);

// The whole request pipeline of a connection without the socket: Beast's parser with the server's
// limits, the checks above, then make_request. For the fuzzer (tests/fuzz) and for tests; a
// connection runs the same steps asynchronously.
expected<request, refusal> parse_request(std::string_view bytes, const server_config& cfg);

// The limits every parser of a connection gets (chunk extensions bounded by framing_limit).
void configure_parser(bhttp::request_parser<bhttp::string_body>& p, const server_config& cfg,
                      std::function<void(std::uint64_t, beast::string_view, beast::error_code&)>& on_chunk_header);

template <class Stream>
class connection final : public connection_base,
                         public connection_iface,
                         public std::enable_shared_from_this<connection<Stream>> {
 public:
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;
  enum class phase { handshake, reading, awaiting, streaming, idle, closed };
  enum class after_flush { nothing, next_request, close };

  template <class... Args>
  connection(uint64_t id, const connection_env& env, std::string remote, Args&&... args)
      : stream_(std::forward<Args>(args)...),
        deadline_(stream_.get_executor()),
        env_(env),
        id_(id),
        remote_(std::move(remote)) {
    buffer_.max_size(env.cfg->header_limit + env.cfg->framing_limit + 65536);
  }
  ~connection() override { env_.unregister(id_); }

  void start();

  // connection_base: called through net::post from the server.
  void begin_shutdown() override;
  void force_close() override { post([](connection& c) { c.close(); }); }

  // connection_iface: any thread.
  void deliver(response r) override;
  void deliver_error(int status, std::string code, std::string message) override;
  void open_stream(int status, header_list headers, std::string content_type,
                   std::shared_ptr<stream_state> st) override;
  void stream_write(std::string framed, size_t payload) override;
  void stream_finish() override;
  void stream_abort(bool flush) override;

 private:
  template <class F>
  void post(F f) {
    net::post(stream_.get_executor(), [self = this->shared_from_this(), f = std::move(f)]() mutable { f(*self); });
  }
  auto& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void do_read();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);

  void dispatch();
  void start_watch();
  void on_watch(beast::error_code ec, size_t n);
  void next_request();
  void respond_error_and_close(int status, std::string code, std::string message);
  void queue_write(std::string bytes, size_t stream_payload = 0);
  void do_write();
  void on_write(beast::error_code ec);
  void finish_stream_now();
  void arm(std::chrono::steady_clock::duration d);
  void disarm();
  void close();
  void lingering_close();
  void drain();
  bool stopping() const { return env_.stopping->load(); }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  // Bounds each chunk-size line's extensions (Beast keeps a reference: it lives as long as we do).
  std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk_header_;
  net::steady_timer deadline_;
  uint64_t deadline_gen_ = 0;
  const connection_env& env_;
  const uint64_t id_;
  const std::string remote_;

  phase phase_ = phase::reading;
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool watching_ = false;        // a read is pending outside of request parsing
  bool watch_has_data_ = false;  // that read brought bytes of the next request
  after_flush after_flush_ = after_flush::nothing;
  std::deque<std::pair<std::string, size_t>> writes_;  // framed bytes, stream payload they carry
  bool writing_ = false;
  bool linger_ = false;  // an error answer was sent before the body was read: drain before closing
  std::unique_ptr<char[]> drain_buf_;
  // Weak: the handler holds the responder, and its destructor answers 500 when the handler drops it
  // unanswered; the connection only tells it when the client has gone.
  std::weak_ptr<responder_impl> responder_;
  // While a request is being answered, nothing else may own the connection: with a pipelined
  // request already buffered no read is pending. Set at dispatch, dropped at the next request or
  // at close (server stop closes every connection, so this never outlives the io_context).
  std::shared_ptr<connection> self_hold_;
  std::shared_ptr<stream_state> stream_state_;
};

}  // namespace brokkr::http::detail

#include "common/http_connection_impl.hpp"
