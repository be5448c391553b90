#include "broker_node/sessions/presence_book.hpp"

namespace brokkr::broker {

void presence_book::put(persistence::presence_mark m) {
  auto it = pending_.find(m.agent_id);
  if (it == pending_.end()) {
    pending_.emplace(m.agent_id, std::move(m));
    return;
  }
  // An agent using both (an HTTP call while its CAF session is open) is a CAF agent; otherwise the
  // later mark says the current state (a close after an open).
  if (it->second.transport == "caf" && m.transport == "http") {
    if (m.seen > it->second.seen) it->second.seen = m.seen;
    return;
  }
  if (m.seen >= it->second.seen || m.transport == "caf") it->second = std::move(m);
}

void presence_book::seen_over_http(const std::string& agent_id, clock::time_point at) {
  std::lock_guard<std::mutex> lock(mutex_);
  put({agent_id, "http", false, at});
}

void presence_book::session_opened(const std::string& agent_id, clock::time_point at) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++sessions_[agent_id];
  put({agent_id, "caf", true, at});
}

void presence_book::session_closed(const std::string& agent_id, clock::time_point at) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = sessions_.find(agent_id);
  if (it == sessions_.end()) return;
  if (--it->second > 0) return;  // another connection of the same agent is still open
  sessions_.erase(it);
  pending_[agent_id] = {agent_id, "caf", false, at};
}

std::vector<persistence::presence_mark> presence_book::drain(clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [id, n] : sessions_) pending_[id] = {id, "caf", true, now};
  std::vector<persistence::presence_mark> out;
  out.reserve(pending_.size());
  for (auto& [id, m] : pending_) out.push_back(std::move(m));
  pending_.clear();
  return out;
}

size_t presence_book::open_sessions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sessions_.size();
}

}  // namespace brokkr::broker
