#pragma once
// Which agents this broker saw, and how, since the last presence write (agents list READY and
// LAST SEEN). HTTP requests and the session registry mark agents here from any thread; the presence
// duty drains the book every interval into one statement, so presence costs one write per interval
// however many agents poll or stay connected.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "persistence/agent_repository.hpp"

namespace brokkr::broker {

class presence_book {
 public:
  using clock = std::chrono::system_clock;

  void seen_over_http(const std::string& agent_id, clock::time_point at = clock::now());
  void session_opened(const std::string& agent_id, clock::time_point at = clock::now());
  void session_closed(const std::string& agent_id, clock::time_point at = clock::now());

  // Everything marked since the last drain, plus every agent with a CAF session open here (seen
  // `now`: an open session is presence). One mark per agent; a CAF mark wins over an HTTP one.
  std::vector<persistence::presence_mark> drain(clock::time_point now = clock::now());
  size_t open_sessions() const;

 private:
  void put(persistence::presence_mark m);
  mutable std::mutex mutex_;
  std::map<std::string, int> sessions_;  // agent id -> CAF sessions open on this broker
  std::map<std::string, persistence::presence_mark> pending_;
};

}  // namespace brokkr::broker
