#include "common/basp_guard.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/log.hpp"

namespace brokkr::basp {

namespace {

uint64_t read_be(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

void write_be(std::string& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

header parse_header(const unsigned char* p) {
  header h;
  h.op = p[0];
  h.flags = p[3];
  h.payload_len = static_cast<uint32_t>(read_be(p + 4, 4));
  h.operation_data = read_be(p + 8, 8);
  h.source_actor = read_be(p + 16, 8);
  h.dest_actor = read_be(p + 24, 8);
  return h;
}

std::string serialize_header(const header& h) {
  std::string out;
  out += static_cast<char>(h.op);
  out += '\0';
  out += '\0';
  out += static_cast<char>(h.flags);
  write_be(out, h.payload_len, 4);
  write_be(out, h.operation_data, 8);
  write_be(out, h.source_actor, 8);
  write_be(out, h.dest_actor, 8);
  return out;
}

bool dropped(const header& h) {
  return h.op == static_cast<uint8_t>(operation::direct_message) && h.flags == named_receiver_flag;
}

std::optional<std::string> refuse(const header& h, bool handshaken, const limits& l) {
  const auto op = static_cast<operation>(h.op);
  if (h.op > static_cast<uint8_t>(operation::heartbeat)) return "unknown operation " + std::to_string(h.op);
  if (op == operation::client_handshake) {
    if (h.payload_len > l.max_handshake_payload) return "handshake payload of " + std::to_string(h.payload_len) + " bytes";
    // CAF's client repeats its handshake with 0x02 (select this connection); the session checks
    // that a repeat names the same node as the first.
    if (h.flags & ~select_connection_flag) return "flags " + std::to_string(h.flags) + " on a handshake";
    if (!handshaken && h.flags != 0) return "the first handshake selecting a connection";
    return std::nullopt;
  }
  if (!handshaken) return "the first frame must be a client handshake";
  switch (op) {
    case operation::server_handshake:
      return "a server handshake from a client";
    case operation::routed_message:
      return "a routed message (its sender node is whatever the peer writes; peers talk to the broker directly)";
    default:
      break;
  }
  if (h.flags == named_receiver_flag && op == operation::direct_message) {
    if (h.payload_len > max_named_payload) return "a named-receiver message of " + std::to_string(h.payload_len) + " bytes";
    return std::nullopt;  // relayed nowhere: the session drops it (see drops_named)
  }
  if (h.flags != 0) return "flags " + std::to_string(h.flags);
  if (h.payload_len > l.max_payload)
    return "a payload of " + std::to_string(h.payload_len) + " bytes (the limit is " + std::to_string(l.max_payload) + ")";
  return std::nullopt;
}

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

// What sessions share with the guard, guarded by mu.
struct shared_state {
  guard_config cfg;
  std::mutex mu;
  std::set<std::string> nodes;  // node ids of live, handshaken connections
  size_t open = 0;
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> dropped{0};
  std::chrono::steady_clock::time_point last_refusal_log{};

  void note_refusal(const std::string& remote, const std::string& why) {
    ++refused;
    std::lock_guard lock(mu);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_refusal_log < std::chrono::seconds(1)) return;  // at most one line a second
    last_refusal_log = now;
    log::warn("caf-guard", "closed the connection from ", remote, ": ", why);
  }
};

template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
 public:
  static constexpr bool is_tls = std::is_same_v<Stream, ssl::stream<tcp::socket>>;

  template <class... Args>
  session(std::shared_ptr<shared_state> shared, std::string remote, Args&&... args)
      : shared_(std::move(shared)),
        client_(std::forward<Args>(args)...),
        upstream_(client_.get_executor()),
        deadline_(client_.get_executor()),
        remote_(std::move(remote)) {}

  ~session() {
    std::lock_guard lock(shared_->mu);
    --shared_->open;
    if (!node_.empty()) shared_->nodes.erase(node_);
  }

  void start() {
    deadline_.expires_after(shared_->cfg.handshake_timeout);
    deadline_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec && !self->handshaken_) self->close("no client handshake in time");
    });
    if constexpr (is_tls) {
      client_.async_handshake(ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
        if (ec) return self->close("");
        self->connect_upstream();
      });
    } else {
      connect_upstream();
    }
  }

 private:
  tcp::socket& client_socket() {
    if constexpr (is_tls) return client_.next_layer();
    else return client_;
  }

  void connect_upstream() {
    const tcp::endpoint up(net::ip::make_address("127.0.0.1"), shared_->cfg.upstream_port);
    upstream_.async_connect(up, [self = this->shared_from_this()](error_code ec) {
      if (ec) return self->close("");
      error_code ignored;
      self->upstream_.set_option(tcp::no_delay(true), ignored);
      self->read_header();
      self->read_down();
    });
  }

  // peer -> broker: one frame at a time, judged by its header before any payload is read.
  void read_header() {
    net::async_read(client_, net::buffer(header_), [self = this->shared_from_this()](error_code ec, size_t) {
      if (ec) return self->close("");
      self->on_header();
    });
  }

  void on_header() {
    const auto h = parse_header(header_.data());
    if (auto why = refuse(h, handshaken_, shared_->cfg.frame_limits)) {
      shared_->note_refusal(remote_, *why);
      return close("");
    }
    left_ = h.payload_len;
    if (h.op == static_cast<uint8_t>(operation::client_handshake)) return read_handshake();
    if (dropped(h)) return discard_payload();
    forward(net::buffer(header_), [](session& s) { s.relay_payload(); });
  }

  // The client handshake's payload is the peer's node id: one live connection per node, so no
  // peer can take over (or shadow) another peer's route in CAF's routing table. A repeated
  // handshake (CAF's own "select this connection") must name this connection's node again.
  void read_handshake() {
    frame_.assign(header_.begin(), header_.end());
    frame_.resize(header_size + left_);
    net::async_read(client_, net::buffer(frame_.data() + header_size, left_),
                    [self = this->shared_from_this()](error_code ec, size_t) {
                      if (ec) return self->close("");
                      std::string node(reinterpret_cast<const char*>(self->frame_.data() + header_size), self->left_);
                      if (self->handshaken_) {
                        if (node != self->node_) {
                          self->shared_->note_refusal(self->remote_, "a repeated handshake naming another node");
                          return self->close("");
                        }
                      } else {
                        {
                          std::lock_guard lock(self->shared_->mu);
                          if (!self->shared_->nodes.insert(node).second) node.clear();
                        }
                        if (node.empty()) {
                          self->shared_->note_refusal(self->remote_, "a handshake naming a node that is already connected");
                          return self->close("");
                        }
                        self->node_ = std::move(node);
                        self->handshaken_ = true;
                        self->deadline_.cancel();
                      }
                      self->left_ = 0;
                      self->forward(net::buffer(self->frame_), [](session& s) { s.read_header(); });
                    });
  }

  // A named-receiver message goes to CAF's SpawnServ or ConfigServ: CAF's own node discovery,
  // which Brokkr does not use. Dropped, not answered: the peer's helper gives up by itself.
  void discard_payload() {
    net::async_read(client_, net::buffer(up_buf_.data(), left_), [self = this->shared_from_this()](error_code ec, size_t) {
      if (ec) return self->close("");
      ++self->shared_->dropped;
      self->left_ = 0;
      self->read_header();
    });
  }

  void relay_payload() {
    if (left_ == 0) return read_header();
    const size_t n = std::min<size_t>(left_, up_buf_.size());
    net::async_read(client_, net::buffer(up_buf_.data(), n), [self = this->shared_from_this(), n](error_code ec, size_t) {
      if (ec) return self->close("");
      self->left_ -= static_cast<uint32_t>(n);
      self->forward(net::buffer(self->up_buf_.data(), n), [](session& s) { s.relay_payload(); });
    });
  }

  // The bytes live in this session's buffers: the peer side reads nothing more until they are written.
  template <class Next>
  void forward(net::const_buffer bytes, Next next) {
    net::async_write(upstream_, bytes, [self = this->shared_from_this(), next](error_code ec, size_t) {
      if (ec) return self->close("");
      next(*self);
    });
  }

  // broker -> peer: passed through.
  void read_down() {
    upstream_.async_read_some(net::buffer(down_buf_), [self = this->shared_from_this()](error_code ec, size_t n) {
      if (ec) return self->close("");
      net::async_write(self->client_, net::buffer(self->down_buf_.data(), n), [self](error_code e, size_t) {
        if (e) return self->close("");
        self->read_down();
      });
    });
  }

  void close(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    if (!why.empty()) shared_->note_refusal(remote_, why);
    error_code ignored;
    deadline_.cancel();
    client_socket().shutdown(tcp::socket::shutdown_both, ignored);
    client_socket().close(ignored);
    upstream_.shutdown(tcp::socket::shutdown_both, ignored);
    upstream_.close(ignored);
  }

  std::shared_ptr<shared_state> shared_;
  Stream client_;
  tcp::socket upstream_;
  net::steady_timer deadline_;
  const std::string remote_;
  std::array<unsigned char, header_size> header_{};
  std::vector<unsigned char> frame_;
  std::array<unsigned char, 64 * 1024> up_buf_{};
  std::array<unsigned char, 64 * 1024> down_buf_{};
  uint32_t left_ = 0;
  bool handshaken_ = false;
  bool closed_ = false;
  std::string node_;
};

}  // namespace

struct guard::impl {
  explicit impl(guard_config c) : shared(std::make_shared<shared_state>()), acceptor(net::make_strand(ioc)) {
    shared->cfg = std::move(c);
  }

  void do_accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (ec) {
        // Out of descriptors: wait rather than spin (the backlog holds new peers meanwhile).
        pause.expires_after(std::chrono::milliseconds(100));
        pause.async_wait([this](error_code e) {
          if (!e) do_accept();
        });
        return;
      }
      accept(std::move(socket));
      do_accept();
    });
  }

  void accept(tcp::socket socket) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const auto ep = socket.remote_endpoint(ignored);
    std::string remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    {
      std::lock_guard lock(shared->mu);
      if (shared->open >= shared->cfg.max_connections) {
        socket.close(ignored);
        ++shared->refused;
        return;
      }
      ++shared->open;
    }
    if (tls) {
      auto s = std::make_shared<session<ssl::stream<tcp::socket>>>(shared, std::move(remote), std::move(socket), *tls);
      s->start();
    } else {
      auto s = std::make_shared<session<tcp::socket>>(shared, std::move(remote), std::move(socket));
      s->start();
    }
  }

  std::shared_ptr<shared_state> shared;
  net::io_context ioc;
  std::unique_ptr<ssl::context> tls;
  tcp::acceptor acceptor;
  net::steady_timer pause{acceptor.get_executor()};
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;
  uint16_t port = 0;
};

guard::guard(guard_config cfg) : impl_(std::make_unique<impl>(std::move(cfg))) {}
guard::~guard() { stop(); }

expected<uint16_t, std::string> guard::start() {
  auto& d = *impl_;
  const auto& cfg = d.shared->cfg;
  if (cfg.tls) {
    try {
      d.tls = std::make_unique<ssl::context>(ssl::context::tls_server);
      d.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
      d.tls->use_certificate_chain_file(cfg.tls->cert_file);
      d.tls->use_private_key_file(cfg.tls->key_file, ssl::context::pem);
      if (!cfg.tls->ca_file.empty()) {
        d.tls->load_verify_file(cfg.tls->ca_file);
        d.tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      }
    } catch (const std::exception& e) {
      return unexpected(std::string("tls: cannot load certificate, key or CA: ") + e.what());
    }
  }
  error_code ec;
  tcp::resolver resolver(d.ioc);
  const auto results = resolver.resolve(cfg.host, std::to_string(cfg.port), tcp::resolver::passive, ec);
  if (ec || results.empty()) return unexpected("cannot resolve " + cfg.host + ": " + ec.message());
  const tcp::endpoint endpoint = *results.begin();
  d.acceptor.open(endpoint.protocol(), ec);
  if (!ec) d.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor.bind(endpoint, ec);
  if (!ec) d.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return unexpected("cannot listen on " + cfg.host + ":" + std::to_string(cfg.port) + ": " + ec.message());
  d.port = d.acceptor.local_endpoint().port();
  d.work.emplace(d.ioc.get_executor());
  d.do_accept();
  d.thread = std::thread([&d] { d.ioc.run(); });
  return d.port;
}

void guard::stop() {
  auto& d = *impl_;
  if (!d.thread.joinable()) return;
  net::post(d.acceptor.get_executor(), [&d] {
    error_code ignored;
    d.acceptor.close(ignored);
    d.pause.cancel();
  });
  d.work.reset();
  d.ioc.stop();
  d.thread.join();
}

uint16_t guard::port() const { return impl_->port; }

size_t guard::open_connections() const {
  std::lock_guard lock(impl_->shared->mu);
  return impl_->shared->open;
}

uint64_t guard::refused_frames() const { return impl_->shared->refused.load(); }
uint64_t guard::dropped_frames() const { return impl_->shared->dropped.load(); }

}  // namespace brokkr::basp
