#pragma once
// Internal to the HTTP server: the thread-safe halves of a connection that handlers hold (the
// responder and the stream). They reach the connection through a weak pointer and post everything
// to its strand, so a handler answering after the client left does nothing at all.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/http_server.hpp"

namespace brokkr::http::detail {

class stream_state;

// What the thread-safe handles ask of a connection; every call posts to the connection's strand.
class connection_iface {
 public:
  virtual ~connection_iface() = default;
  virtual void deliver(response r) = 0;
  // An answer built by the server's error factory (the responder's last resort).
  virtual void deliver_error(int status, std::string code, std::string message) = 0;
  virtual void open_stream(int status, header_list headers, std::string content_type,
                           std::shared_ptr<stream_state> st) = 0;
  virtual void stream_write(std::string framed, size_t payload) = 0;
  virtual void stream_finish() = 0;
  // flush: send what is queued first (an explicit abort); otherwise drop it (a client too slow to read).
  virtual void stream_abort(bool flush) = 0;
};

class stream_state final : public stream {
 public:
  stream_state(std::weak_ptr<connection_iface> conn, size_t limit) : conn_(std::move(conn)), limit_(limit) {}

  bool write(std::string chunk) override;
  void finish() override;
  void abort() override;
  void on_close(std::function<void()> callback) override;
  bool closed() const override { return closed_.load(); }
  size_t queued() const override { return pending_.load(); }

  // Called on the connection's strand.
  void written(size_t payload) { pending_.fetch_sub(payload); }
  void mark_closed();

 private:
  std::weak_ptr<connection_iface> conn_;
  const size_t limit_;
  std::atomic<bool> closed_{false};
  std::atomic<size_t> pending_{0};
  std::mutex mu_;
  bool fired_ = false;  // guarded by mu_
  std::vector<std::function<void()>> callbacks_;
};

class responder_impl final : public responder {
 public:
  responder_impl(std::weak_ptr<connection_iface> conn, size_t stream_limit)
      : conn_(std::move(conn)), stream_limit_(stream_limit) {}
  // Unanswered when the last holder lets go: the handler failed, so the client gets a 500 rather
  // than a connection that hangs until its idle timeout.
  ~responder_impl() override;

  void send(response r) override;
  std::shared_ptr<stream> begin_stream(int status, header_list headers, std::string content_type) override;
  bool client_gone() const override { return gone_.load() || conn_.expired(); }

  void mark_gone() { gone_ = true; }

 private:
  std::weak_ptr<connection_iface> conn_;
  const size_t stream_limit_;
  std::atomic<bool> used_{false};
  std::atomic<bool> gone_{false};
};

}  // namespace brokkr::http::detail
