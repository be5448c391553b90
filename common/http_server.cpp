#include "common/http_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/http_connection.hpp"
#include "common/log.hpp"

namespace brokkr::http {

namespace detail {

std::optional<request> make_request(const bhttp::request<bhttp::string_body>& msg, const std::string& remote) {
  request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  const auto qpos = req.target.find('?');
  auto path = percent_decode(std::string_view(req.target).substr(0, qpos));
  if (!path) return std::nullopt;
  req.path = std::move(*path);
  if (qpos != std::string::npos) {
    auto query = parse_query(std::string_view(req.target).substr(qpos + 1));
    if (!query) return std::nullopt;
    req.query = std::move(*query);
  }
  for (const auto& field : msg) req.headers.add(std::string(field.name_string()), std::string(field.value()));
  req.body = msg.body();
  req.remote_address = remote;
  return req;
}

void configure_parser(bhttp::request_parser<bhttp::string_body>& p, const server_config& cfg,
                      std::function<void(std::uint64_t, beast::string_view, beast::error_code&)>& on_chunk_header) {
  p.body_limit(cfg.body_limit);
  p.header_limit(static_cast<uint32_t>(cfg.header_limit));
  on_chunk_header = [limit = cfg.framing_limit](std::uint64_t, beast::string_view ext, beast::error_code& ec) {
    if (ext.size() > limit) ec = bhttp::error::bad_chunk_extension;
  };
  p.on_chunk_header(on_chunk_header);
}

std::optional<refusal> check_transfer_encoding(const bhttp::request_parser<bhttp::string_body>& parser) {
  const auto& msg = parser.get();
  const auto count = msg.count(bhttp::field::transfer_encoding);
  if (count == 0) return std::nullopt;
  std::string te(msg[bhttp::field::transfer_encoding]);
  while (!te.empty() && (te.back() == ' ' || te.back() == '\t')) te.pop_back();
  while (!te.empty() && (te.front() == ' ' || te.front() == '\t')) te.erase(0, 1);
  if (count == 1 && beast::iequals(te, "chunked")) return std::nullopt;
  if (parser.chunked()) return refusal{501, "NotImplemented", "only the chunked transfer coding is implemented"};
  return refusal{400, "BadRequest", "the final transfer coding of a request must be chunked"};
}

std::optional<refusal> check_fields_size(const bhttp::request<bhttp::string_body>& msg, size_t header_limit) {
  size_t fields = 0;
  for (const auto& f : msg) fields += f.name_string().size() + f.value().size() + 4;
  if (fields <= header_limit) return std::nullopt;
  return refusal{431, "RequestHeaderFieldsTooLarge",
                 "request header and trailer exceed " + std::to_string(header_limit) + " bytes"};
}

expected<request, refusal> parse_request(std::string_view bytes, const server_config& cfg) {
  bhttp::request_parser<bhttp::string_body> parser;
  std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk;
  configure_parser(parser, cfg, on_chunk);
  parser.eager(true);
  beast::error_code ec;
  size_t used = 0;
  bool te_checked = false;
  while (!parser.is_done()) {
    const auto n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    used += n;
    // Everything left was offered: needing more means the request is incomplete.
    if (ec == bhttp::error::need_more) return unexpected(refusal{0, "Incomplete", "the request is not complete"});
    if (ec == bhttp::error::body_limit) return unexpected(refusal{413, "RequestEntityTooLarge", "body over the limit"});
    if (ec == bhttp::error::header_limit) return unexpected(refusal{431, "RequestHeaderFieldsTooLarge", "header over the limit"});
    if (ec) return unexpected(refusal{400, "BadRequest", "malformed HTTP request: " + ec.message()});
    if (parser.is_header_done() && !te_checked) {
      te_checked = true;
      if (auto r = check_transfer_encoding(parser)) return unexpected(*r);
    }
    if (n == 0 && !parser.is_done()) return unexpected(refusal{0, "Incomplete", "the request is not complete"});
    if (used >= bytes.size() && !parser.is_done()) return unexpected(refusal{0, "Incomplete", "the request is not complete"});
  }
  if (auto r = check_fields_size(parser.get(), cfg.header_limit)) return unexpected(*r);
  auto req = make_request(parser.get(), "fuzz");
  if (!req) return unexpected(refusal{400, "BadRequest", "the request target is not valid percent-encoding"});
  return std::move(*req);
}

}  // namespace detail

namespace {
using tcp = boost::asio::ip::tcp;
namespace ssl = boost::asio::ssl;
}  // namespace

response default_error(int status, std::string code, std::string message) {
  nlohmann::json body = {{"error", {{"code", std::move(code)}, {"message", std::move(message)},
                                    {"details", nlohmann::json::object()}}}};
  // Messages may echo request bytes: invalid UTF-8 becomes U+FFFD rather than an exception.
  return {.status = status, .content_type = "application/json",
          .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

struct server::impl {
  impl(server_config c, handler h) : cfg(std::move(c)), on_request(std::move(h)), acceptor(boost::asio::make_strand(ioc)) {
    if (!cfg.make_error) cfg.make_error = default_error;
    if (cfg.io_threads < 1) cfg.io_threads = 1;
    env.cfg = &cfg;
    env.on_request = &on_request;
    env.stopping = &stopping;
    env.unregister = [this](uint64_t id) {
      std::lock_guard lock(mu);
      conns.erase(id);
      cv.notify_all();
    };
  }

  expected<ok_t, std::string> setup_tls();
  expected<uint16_t, std::string> listen();
  void do_accept();
  void on_accept(boost::beast::error_code ec, tcp::socket socket);
  void pause_accepting(const boost::beast::error_code& ec);
  void refuse(tcp::socket& socket);
  bool wait_until_empty(std::chrono::steady_clock::time_point deadline);

  server_config cfg;
  handler on_request;
  std::atomic<bool> stopping{false};
  detail::connection_env env;
  mutable std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<uint64_t, std::weak_ptr<detail::connection_base>> conns;  // guarded by mu
  uint64_t next_id = 0;                                                        // guarded by mu
  // Declared after the registry: connections still queued in the io_context unregister on destruction.
  boost::asio::io_context ioc;
  std::unique_ptr<ssl::context> tls;
  tcp::acceptor acceptor;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  // Accept-side state, used on the acceptor's strand only.
  boost::asio::steady_timer accept_pause{acceptor.get_executor()};
  std::chrono::milliseconds accept_backoff{0};
  std::chrono::steady_clock::time_point last_refusal_log{};
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> accept_errors{0};
  std::vector<std::thread> threads;
  uint16_t port = 0;
  bool started = false;
  bool stopped = false;
};

expected<ok_t, std::string> server::impl::setup_tls() {
  if (!cfg.tls) return ok;
  try {
    tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    const auto& t = *cfg.tls;
    if (!t.cert_pem.empty()) tls->use_certificate_chain(boost::asio::buffer(t.cert_pem));
    else tls->use_certificate_chain_file(t.cert_file);
    if (!t.key_pem.empty()) tls->use_private_key(boost::asio::buffer(t.key_pem), ssl::context::pem);
    else tls->use_private_key_file(t.key_file, ssl::context::pem);
  } catch (const std::exception& e) {
    return unexpected(std::string("tls: cannot load certificate or key: ") + e.what());
  }
  return ok;
}

expected<uint16_t, std::string> server::impl::listen() {
  boost::beast::error_code ec;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(cfg.host, std::to_string(cfg.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) return unexpected("cannot resolve listen host '" + cfg.host + "': " + ec.message());
  const tcp::endpoint endpoint = *results.begin();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return unexpected("cannot listen on " + cfg.host + ":" + std::to_string(cfg.port) + ": " + ec.message());
  return acceptor.local_endpoint().port();
}

void server::impl::do_accept() {
  acceptor.async_accept(boost::asio::make_strand(ioc), [this](boost::beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

// Out of descriptors or memory, accept() fails at once and would fail again at once: accepting in a
// loop would burn a core and flood the log. Pause instead (50 ms doubling to 1 s), warn once per
// episode, and let the listen backlog hold new clients meanwhile.
void server::impl::pause_accepting(const boost::beast::error_code& ec) {
  ++accept_errors;
  const bool first = accept_backoff.count() == 0;
  accept_backoff = first ? std::chrono::milliseconds(50) : std::min(accept_backoff * 2, std::chrono::milliseconds(1000));
  if (first) log::warn("http", "accept failed: ", ec.message(), "; pausing accepts (backing off up to 1s)");
  accept_pause.expires_after(accept_backoff);
  accept_pause.async_wait([this](boost::beast::error_code e) {
    if (!e && !stopping) do_accept();
  });
}

// Past max_connections a new client gets a short 503 and is closed: bounded memory, and an answer
// rather than a silent reset. TLS clients are just closed (a plaintext answer would be noise).
void server::impl::refuse(tcp::socket& socket) {
  ++refused;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log > std::chrono::seconds(10)) {
    last_refusal_log = now;
    log::warn("http", "refusing connections: ", cfg.max_connections, " are open (the connection limit)");
  }
  if (!tls) {
    static const std::string answer = [] {
      const std::string body =
          "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"too many connections\",\"details\":{}}}\n";
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
             "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    (void)::send(socket.native_handle(), answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  }
  boost::beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void server::impl::on_accept(boost::beast::error_code ec, tcp::socket socket) {
  if (stopping || !acceptor.is_open()) return;
  if (ec) {
    namespace err = boost::asio::error;
    if (ec == err::no_descriptors || ec == err::no_buffer_space || ec == err::no_memory ||
        ec.value() == ENFILE)
      return pause_accepting(ec);
    log::warn("http", "accept failed: ", ec.message());
    return do_accept();
  }
  if (accept_backoff.count() != 0) {
    log::info("http", "accepting connections again");
    accept_backoff = std::chrono::milliseconds(0);
  }
  {
    std::lock_guard lock(mu);
    if (cfg.max_connections && conns.size() >= cfg.max_connections) {
      refuse(socket);
      return do_accept();
    }
  }
  boost::beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  const auto remote_ep = socket.remote_endpoint(ignored);
  const std::string remote = remote_ep.address().to_string() + ":" + std::to_string(remote_ep.port());
  std::unique_lock lock(mu);
  const uint64_t id = next_id++;
  if (tls) {
    auto c = std::make_shared<detail::connection<detail::tls_stream>>(id, env, remote, std::move(socket), *tls);
    conns.emplace(id, c);
    lock.unlock();
    c->start();
  } else {
    auto c = std::make_shared<detail::connection<detail::plain_stream>>(id, env, remote, std::move(socket));
    conns.emplace(id, c);
    lock.unlock();
    c->start();
  }
  do_accept();
}

bool server::impl::wait_until_empty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu);
  return cv.wait_until(lock, deadline, [&] { return conns.empty(); });
}

server::server(server_config cfg, handler h) : impl_(std::make_unique<impl>(std::move(cfg), std::move(h))) {}

server::~server() { stop(std::chrono::milliseconds(0)); }

expected<uint16_t, std::string> server::start() {
  auto& d = *impl_;
  if (d.started) return unexpected(std::string("server already started"));
  if (auto t = d.setup_tls(); !t) return unexpected(t.error());
  auto port = d.listen();
  if (!port) return port;
  d.port = *port;
  d.started = true;
  d.work.emplace(d.ioc.get_executor());
  d.do_accept();
  for (int i = 0; i < d.cfg.io_threads; ++i) d.threads.emplace_back([&d] { d.ioc.run(); });
  return d.port;
}

void server::stop(std::chrono::milliseconds timeout) {
  auto& d = *impl_;
  if (!d.started || d.stopped) return;
  d.stopped = true;
  d.stopping = true;
  boost::asio::post(d.acceptor.get_executor(), [&d] {
    boost::beast::error_code ignored;
    d.acceptor.close(ignored);
    d.accept_pause.cancel();
  });
  auto for_each = [&d](auto fn) {
    std::vector<std::shared_ptr<detail::connection_base>> live;
    {
      std::lock_guard lock(d.mu);
      for (auto& [id, weak] : d.conns)
        if (auto c = weak.lock()) live.push_back(std::move(c));
    }
    for (auto& c : live) fn(*c);
  };
  for_each([](detail::connection_base& c) { c.begin_shutdown(); });
  if (!d.wait_until_empty(std::chrono::steady_clock::now() + timeout)) {
    for_each([](detail::connection_base& c) { c.force_close(); });
    d.wait_until_empty(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  }
  d.work.reset();
  d.ioc.stop();
  for (auto& t : d.threads) t.join();
  d.threads.clear();
}

uint16_t server::port() const { return impl_->port; }

size_t server::open_connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->conns.size();
}

uint64_t server::refused_connections() const { return impl_->refused.load(); }
uint64_t server::accept_failures() const { return impl_->accept_errors.load(); }

}  // namespace brokkr::http
