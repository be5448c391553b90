#include "common/http_stream_state.hpp"

#include "common/http_wire.hpp"

namespace brokkr::http::detail {

bool stream_state::write(std::string chunk) {
  if (closed_) return false;
  if (chunk.empty()) return true;
  auto conn = conn_.lock();
  if (!conn) {
    mark_closed();
    return false;
  }
  const size_t n = chunk.size();
  if (pending_.fetch_add(n) + n > limit_) {
    // The client stopped reading: dropping it bounds our memory (a real API server does the same).
    conn->stream_abort(false);
    return false;
  }
  conn->stream_write(chunk_frame(chunk), n);
  return true;
}

void stream_state::finish() {
  if (closed_.exchange(true)) return;
  if (auto conn = conn_.lock()) {
    conn->stream_finish();
  } else {
    mark_closed();
  }
}

void stream_state::abort() {
  if (auto conn = conn_.lock()) {
    conn->stream_abort(true);
  } else {
    mark_closed();
  }
}

void stream_state::on_close(std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (!fired_) {
      callbacks_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void stream_state::mark_closed() {
  closed_ = true;
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (fired_) return;
    fired_ = true;
    callbacks.swap(callbacks_);
  }
  for (auto& cb : callbacks) cb();
}

responder_impl::~responder_impl() {
  if (used_.load()) return;
  if (auto conn = conn_.lock())
    conn->deliver_error(500, "InternalError", "the request handler ended without answering");
}

void responder_impl::send(response r) {
  if (used_.exchange(true)) return;
  if (auto conn = conn_.lock()) conn->deliver(std::move(r));
}

std::shared_ptr<stream> responder_impl::begin_stream(int status, header_list headers, std::string content_type) {
  auto st = std::make_shared<stream_state>(conn_, stream_limit_);
  auto conn = conn_.lock();
  if (used_.exchange(true) || !conn) {
    st->mark_closed();
    return st;
  }
  conn->open_stream(status, std::move(headers), std::move(content_type), st);
  return st;
}

}  // namespace brokkr::http::detail
