#pragma once
// A broker process with its CAF endpoint, and actor systems in the test process that connect to
// it over real TCP (each actor system is its own CAF node).
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>

#include "actors/caf_errors.hpp"
#include "actors/client.hpp"
#include "actors/type_ids.hpp"
#include "tests/e2e/broker/fixture.hpp"

namespace brokkr::test {

// What an agent's link actor received, for assertions.
struct push_log {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> available;
  std::vector<std::string> cancels;
  std::vector<log_stream_request> log_requests;

  // Waits for the `n`th live-log request (1-based) and returns it.
  std::optional<log_stream_request> wait_log_request(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> g(m);
    if (!cv.wait_for(g, timeout, [&] { return log_requests.size() >= n; })) return std::nullopt;
    return log_requests[n - 1];
  }

  bool wait_cancel(const std::string& id, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> g(m);
    return cv.wait_for(g, timeout, [&] { return std::find(cancels.begin(), cancels.end(), id) != cancels.end(); });
  }
  // Waits until `id` was pushed at least `n` times.
  bool wait_available_times(const std::string& id, size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> g(m);
    return cv.wait_for(g, timeout, [&] {
      return static_cast<size_t>(std::count_if(available.begin(), available.end(), [&](auto& a) { return a.first == id; })) >= n;
    });
  }
  bool wait_available(const std::string& id, std::chrono::milliseconds timeout) { return wait_available_times(id, 1, timeout); }
  std::vector<std::string> available_ids() {
    std::lock_guard<std::mutex> g(m);
    std::vector<std::string> out;
    for (auto& a : available) out.push_back(a.first);
    return out;
  }
};

class caf_node {
 public:
  caf_node() {
    configure_client(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
  }
  ~caf_node() {
    for (auto& a : spawned_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  caf::actor_system& sys() { return *sys_; }

  agent_link_actor recording_link(std::shared_ptr<push_log> log) {
    auto link = sys_->spawn([log]() -> agent_link_actor::behavior_type {
      return {[log](available_atom, const std::string& id) {
                std::lock_guard<std::mutex> g(log->m);
                log->available.emplace_back(id, std::chrono::steady_clock::now());
                log->cv.notify_all();
              },
              [log](cancel_atom, const std::string& id) {
                std::lock_guard<std::mutex> g(log->m);
                log->cancels.push_back(id);
                log->cv.notify_all();
              },
              [log](logs_atom, const log_stream_request& r) {
                std::lock_guard<std::mutex> g(log->m);
                log->log_requests.push_back(r);
                log->cv.notify_all();
              }};
    });
    spawned_.push_back(caf::actor_cast<caf::actor>(link));
    return link;
  }

  gateway_actor gateway(uint16_t port) {
    auto gw = connect_gateway(*sys_, {.host = "127.0.0.1", .port = port});
    BOOST_REQUIRE_MESSAGE(gw.has_value(), (gw ? std::string() : gw.error()));
    return *gw;
  }

  // A blocking request from this node; the reply or the error's brokkr code.
  template <class Result, class Handle, class... Ts>
  expected<Result, errc> ask(const Handle& h, Ts&&... xs) {
    caf::scoped_actor self{*sys_};
    expected<Result, errc> out = unexpected(errc::timeout);
    self->request(h, std::chrono::seconds(10), std::forward<Ts>(xs)...)
        .receive([&](Result& r) { out = std::move(r); }, [&](caf::error& e) { out = unexpected(code_of(e)); });
    return out;
  }

 private:
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::vector<caf::actor> spawned_;
};

struct caf_fixture : broker_fixture {
  caf_fixture() : broker_fixture({"--agent-grace-period", "1s"}) {}
};

}  // namespace brokkr::test
