#pragma once
// Member definitions of detail::connection (included at the end of http_connection.hpp).

namespace brokkr::http::detail {

template <class Stream>
void connection<Stream>::start() {
  if constexpr (is_tls) {
    phase_ = phase::handshake;
    arm(env_.cfg->header_timeout);
    stream_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->phase_ == phase::closed) return self->close();
      self->do_read();
    });
  } else {
    do_read();
  }
}

template <class Stream>
void connection<Stream>::do_read() {
  phase_ = phase::reading;
  parser_.emplace();
  configure_parser(*parser_, *env_.cfg, on_chunk_header_);
  // From the first byte (already buffered, or the connection just opened) to the last header field:
  // a client that trickles its header (slowloris) is cut off here, not at the idle timeout.
  arm(env_.cfg->header_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
}

template <class Stream>
void connection<Stream>::on_header(beast::error_code ec) {
  if (phase_ == phase::closed) return;
  if (ec == bhttp::error::body_limit)  // Beast checks Content-Length against the limit with the header
    return respond_error_and_close(413, "RequestEntityTooLarge",
                                   "request body exceeds the limit of " + std::to_string(env_.cfg->body_limit) +
                                       " bytes");
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow)
    return respond_error_and_close(431, "RequestHeaderFieldsTooLarge",
                                   "request header exceeds the limit of " + std::to_string(env_.cfg->header_limit) +
                                       " bytes");
  if (ec) {
    if (ec == bhttp::error::end_of_stream || buffer_.size() == 0) return close();
    return respond_error_and_close(400, "BadRequest", "malformed HTTP request: " + ec.message());
  }
  if (auto r = check_transfer_encoding(*parser_)) return respond_error_and_close(r->status, r->code, r->message);
  if (stopping()) return respond_error_and_close(503, "ServiceUnavailable", "the server is shutting down");
  const auto& msg = parser_->get();
  if (beast::iequals(msg[bhttp::field::expect], "100-continue")) queue_write("HTTP/1.1 100 Continue\r\n\r\n");
  arm(env_.cfg->body_timeout);
  read_body();
}

// The body arrives piecewise: the parser consumes body bytes as they come, so what stays unparsed
// in the buffer is framing (a chunk-size line with its extensions, or the trailer). Past
// framing_limit that is an attack, not a request.
template <class Stream>
void connection<Stream>::read_body() {
  if (parser_->is_done()) {
    disarm();
    if (auto r = check_fields_size(parser_->get(), env_.cfg->header_limit))
      return respond_error_and_close(r->status, r->code, r->message);
    return dispatch();
  }
  if (buffer_.size() > env_.cfg->framing_limit)
    return respond_error_and_close(400, "BadRequest",
                                   "chunk framing or trailer exceeds " + std::to_string(env_.cfg->framing_limit) +
                                       " bytes");
  bhttp::async_read_some(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code e, size_t) { self->on_body(e); });
}

template <class Stream>
void connection<Stream>::on_body(beast::error_code ec) {
  if (phase_ == phase::closed) return;
  if (ec == bhttp::error::body_limit)
    return respond_error_and_close(413, "RequestEntityTooLarge",
                                   "request body exceeds the limit of " + std::to_string(env_.cfg->body_limit) +
                                       " bytes");
  if (ec == bhttp::error::buffer_overflow)
    return respond_error_and_close(400, "BadRequest", "chunk framing or trailer is too long");
  if (ec == bhttp::error::bad_chunk || ec == bhttp::error::bad_chunk_extension || ec == bhttp::error::bad_field ||
      ec == bhttp::error::bad_value)
    return respond_error_and_close(400, "BadRequest", "malformed request body: " + ec.message());
  if (ec) return close();
  read_body();
}

template <class Stream>
void connection<Stream>::dispatch() {
  auto msg = parser_->release();
  parser_.reset();
  auto req = make_request(msg, remote_);
  if (!req) return respond_error_and_close(400, "BadRequest", "the request target is not valid percent-encoding");
  phase_ = phase::awaiting;
  keep_alive_ = msg.keep_alive();
  head_request_ = msg.method() == bhttp::verb::head;
  auto responder = std::make_shared<responder_impl>(this->weak_from_this(), env_.cfg->stream_buffer_limit);
  responder_ = responder;
  self_hold_ = this->shared_from_this();
  start_watch();
  try {
    (*env_.on_request)(std::move(*req), responder);
  } catch (const std::exception& e) {
    log::error("http", "request handler threw: ", e.what());
    responder->send(env_.cfg->make_error(500, "InternalError", "the request handler failed"));
  } catch (...) {
    log::error("http", "request handler threw a non-standard exception");
    responder->send(env_.cfg->make_error(500, "InternalError", "the request handler failed"));
  }
}

template <class Stream>
void connection<Stream>::start_watch() {
  if (watching_ || watch_has_data_) return;
  // A pipelined request is already buffered: answer it next without waiting for more bytes.
  if (buffer_.size() > 0) {
    watch_has_data_ = true;
    return;
  }
  watching_ = true;
  stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](beast::error_code ec, size_t n) {
    self->on_watch(ec, n);
  });
}

template <class Stream>
void connection<Stream>::on_watch(beast::error_code ec, size_t n) {
  watching_ = false;
  if (phase_ == phase::closed) return;
  if (ec) {
    if (auto r = responder_.lock()) r->mark_gone();
    return close();
  }
  buffer_.commit(n);
  watch_has_data_ = true;
  if (phase_ == phase::idle) next_request();
}

template <class Stream>
void connection<Stream>::next_request() {
  responder_.reset();
  auto keep = std::move(self_hold_);  // released when this returns; the next read holds us
  if (watch_has_data_) {
    watch_has_data_ = false;
    return do_read();
  }
  phase_ = phase::idle;
  arm(env_.cfg->idle_timeout);
  if (!watching_) start_watch();
}

template <class Stream>
void connection<Stream>::deliver(response r) {
  post([r = std::move(r)](connection& c) mutable {
    if (c.phase_ != phase::awaiting) return;
    const bool keep = c.keep_alive_ && !c.stopping();
    const header_list& fields = r.headers;
    std::string bytes = serialize_head({.status = r.status, .headers = &fields, .content_type = r.content_type,
                                        .content_length = r.body.size(), .keep_alive = keep});
    if (!c.head_request_ && !status_forbids_body(r.status)) bytes += r.body;
    c.after_flush_ = keep ? after_flush::next_request : after_flush::close;
    c.queue_write(std::move(bytes));
  });
}

template <class Stream>
void connection<Stream>::deliver_error(int status, std::string code, std::string message) {
  deliver(env_.cfg->make_error(status, std::move(code), std::move(message)));
}

template <class Stream>
void connection<Stream>::open_stream(int status, header_list headers, std::string content_type,
                                     std::shared_ptr<stream_state> st) {
  post([status, headers = std::move(headers), ct = std::move(content_type), st = std::move(st)](connection& c) {
    if (c.phase_ != phase::awaiting) return st->mark_closed();
    c.phase_ = phase::streaming;
    c.stream_state_ = st;
    c.queue_write(serialize_head({.status = status, .headers = &headers, .content_type = ct, .chunked = true,
                                  .keep_alive = c.keep_alive_}));
    // Stopping: end the stream, but after the chunks the handler has already queued behind us.
    if (c.stopping()) c.stream_finish();
  });
}

template <class Stream>
void connection<Stream>::stream_write(std::string framed, size_t payload) {
  post([framed = std::move(framed), payload](connection& c) mutable {
    if (c.phase_ != phase::streaming || !c.stream_state_) return;
    c.queue_write(std::move(framed), payload);
  });
}

template <class Stream>
void connection<Stream>::stream_finish() {
  post([](connection& c) {
    if (c.phase_ == phase::streaming) c.finish_stream_now();
  });
}

template <class Stream>
void connection<Stream>::stream_abort(bool flush) {
  post([flush](connection& c) {
    if (c.phase_ != phase::streaming) return;
    if (c.stream_state_) c.stream_state_->mark_closed();
    c.stream_state_.reset();
    c.phase_ = phase::awaiting;
    if (!flush || !c.writing_) return c.close();
    c.after_flush_ = after_flush::close;
  });
}

template <class Stream>
void connection<Stream>::finish_stream_now() {
  queue_write(std::string(last_chunk));
  if (stream_state_) stream_state_->mark_closed();
  stream_state_.reset();
  phase_ = phase::awaiting;  // nothing more to deliver; the flush decides what comes next
  after_flush_ = keep_alive_ && !stopping() ? after_flush::next_request : after_flush::close;
}

template <class Stream>
void connection<Stream>::begin_shutdown() {
  post([](connection& c) {
    switch (c.phase_) {
      case phase::handshake:
      case phase::reading:
      case phase::idle:
        return c.close();
      case phase::streaming:
        return c.finish_stream_now();
      case phase::awaiting:
      case phase::closed:
        return;  // the pending answer is sent with Connection: close
    }
  });
}

template <class Stream>
void connection<Stream>::respond_error_and_close(int status, std::string code, std::string message) {
  phase_ = phase::awaiting;
  response r = env_.cfg->make_error(status, std::move(code), std::move(message));
  std::string bytes = serialize_head({.status = r.status, .headers = &r.headers, .content_type = r.content_type,
                                      .content_length = r.body.size(), .keep_alive = false});
  bytes += r.body;
  after_flush_ = after_flush::close;
  linger_ = true;
  queue_write(std::move(bytes));
}

template <class Stream>
void connection<Stream>::queue_write(std::string bytes, size_t stream_payload) {
  writes_.emplace_back(std::move(bytes), stream_payload);
  if (!writing_) do_write();
}

template <class Stream>
void connection<Stream>::do_write() {
  writing_ = true;
  arm(env_.cfg->write_timeout);
  net::async_write(stream_, net::buffer(writes_.front().first),
                   [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_write(ec); });
}

template <class Stream>
void connection<Stream>::on_write(beast::error_code ec) {
  if (phase_ == phase::closed) return;
  if (ec) {
    if (auto r = responder_.lock()) r->mark_gone();
    return close();
  }
  if (stream_state_ && writes_.front().second) stream_state_->written(writes_.front().second);
  writes_.pop_front();
  if (!writes_.empty()) return do_write();
  writing_ = false;
  if (phase_ == phase::reading) arm(env_.cfg->body_timeout);  // only 100 Continue is written while reading
  else disarm();
  const auto action = std::exchange(after_flush_, after_flush::nothing);
  if (action == after_flush::close) return linger_ ? lingering_close() : close();
  if (action == after_flush::next_request) next_request();
}

// Closing a socket with unread input makes the kernel send RST, which can destroy the error answer
// before the client reads it; so stop sending, discard input for a moment, then close.
template <class Stream>
void connection<Stream>::lingering_close() {
  beast::error_code ignored;
  socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  arm(std::chrono::seconds(1));
  drain_buf_ = std::make_unique<char[]>(16384);
  drain();
}

template <class Stream>
void connection<Stream>::drain() {
  socket().async_read_some(net::buffer(drain_buf_.get(), 16384),
                           [self = this->shared_from_this()](beast::error_code ec, size_t) {
                             if (ec || self->phase_ == phase::closed) return self->close();
                             self->drain();
                           });
}

template <class Stream>
void connection<Stream>::arm(std::chrono::steady_clock::duration d) {
  const uint64_t gen = ++deadline_gen_;
  deadline_.expires_after(d);
  deadline_.async_wait([self = this->shared_from_this(), gen](beast::error_code ec) {
    if (!ec && gen == self->deadline_gen_) self->close();
  });
}

template <class Stream>
void connection<Stream>::disarm() {
  ++deadline_gen_;
  deadline_.cancel();
}

template <class Stream>
void connection<Stream>::close() {
  if (phase_ == phase::closed) return;
  phase_ = phase::closed;
  disarm();
  if (auto r = responder_.lock()) r->mark_gone();
  if (stream_state_) stream_state_->mark_closed();
  stream_state_.reset();
  auto keep = std::move(self_hold_);
  beast::error_code ignored;
  socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
}

}  // namespace brokkr::http::detail
