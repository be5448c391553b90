#include "broker_node/logs/log_hub.hpp"

#include <caf/all.hpp>

#include <map>
#include <vector>

#include "actors/protocol_version.hpp"
#include "broker_node/logs/log_ring.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

struct reader {
  log_subscriber_actor handle;
  int64_t pos = 0;
  int64_t credit = 0;
};

struct stream {
  std::string work_id;
  std::string step;
  std::string agent_id;
  uint64_t generation = 0;
  bool answered = false;  // a chunk of this generation arrived
  std::chrono::steady_clock::time_point waiting_since;  // unanswered since (the first ask of a run)
  bool done = false;
  std::string note;
  log_ring ring;
  std::vector<reader> readers;

  explicit stream(size_t capacity) : ring(capacity) {}
};

struct hub_state {
  static inline const char* name = "log_hub";
  log_hub_config cfg;
  // Key: work id, step, claimer (NUL-separated): a new claimer's attempt is a new log.
  std::map<std::string, stream> streams;
  std::map<std::string, agent_link_actor> links;  // agents with a protocol-3 session
  // Agents whose session went down, since when: their streams end unless they log in again in time.
  std::map<std::string, std::chrono::steady_clock::time_point> lost;
  // Requests for agents without one, until a heartbeat of the item takes them: agent -> key -> request.
  std::map<std::string, std::map<std::string, log_stream_request>> by_heartbeat;
  uint64_t next_generation = 1;
};

using self_ptr = log_hub_actor::stateful_pointer<hub_state>;

// After every change to by_heartbeat: a heartbeat that reads a stale zero takes its request with
// the next one, as it would had the request come just after its answer.
void publish_waiting(self_ptr self) {
  if (const auto& n = self->state.cfg.heartbeat_waiting)
    n->store(self->state.by_heartbeat.size(), std::memory_order_release);
}

std::string key_of(const std::string& work_id, const std::string& step, const std::string& agent_id) {
  return work_id + '\0' + step + '\0' + agent_id;
}

void pump(self_ptr self, stream& s, reader& r) {
  while (r.credit > 0 && r.pos < s.ring.end()) {
    auto piece = s.ring.read(r.pos, static_cast<size_t>(r.credit));
    std::string text;
    if (piece.skipped > 0)
      text = "[brokkr: " + std::to_string(piece.skipped) + " bytes of this log were skipped: this reader fell behind]\n";
    text += piece.text;
    r.pos = piece.next;
    r.credit -= static_cast<int64_t>(piece.text.size());
    self->send(r.handle, logdata_atom::value, std::move(text));
  }
}

// Readers that have everything of a finished stream get its end; returns whether any are left.
bool settle(self_ptr self, stream& s) {
  auto& rs = s.readers;
  for (auto& r : rs) pump(self, s, r);
  if (s.done)
    for (auto it = rs.begin(); it != rs.end();) {
      if (it->pos < s.ring.end()) {
        ++it;
        continue;
      }
      self->send(it->handle, logend_atom::value, s.note);
      self->demonitor(it->handle.address());
      it = rs.erase(it);
    }
  return !rs.empty();
}

void end_all(self_ptr self, stream& s, const std::string& why) {
  s.done = true;
  s.note = why;
  // Whatever arrived is still delivered first.
  settle(self, s);
}

void ask(self_ptr self, stream& s) {
  auto& st = self->state;
  if (s.answered || s.generation == 0) s.waiting_since = std::chrono::steady_clock::now();
  s.generation = st.next_generation++;
  s.answered = false;
  log_stream_request req{s.work_id, s.step, s.ring.end(), s.generation};
  const auto key = key_of(s.work_id, s.step, s.agent_id);
  if (auto it = st.links.find(s.agent_id); it != st.links.end())
    self->send(it->second, logs_atom::value, std::move(req));
  else {
    st.by_heartbeat[s.agent_id][key] = std::move(req);
    publish_waiting(self);
  }
  self->delayed_send(self, st.cfg.agent_wait, caf::timeout_atom::value, key_of(s.work_id, s.step, s.agent_id),
                     s.generation);
}

void forget_request(self_ptr self, const stream& s) {
  auto& wanted = self->state.by_heartbeat;
  auto it = wanted.find(s.agent_id);
  if (it == wanted.end()) return;
  it->second.erase(key_of(s.work_id, s.step, s.agent_id));
  if (it->second.empty()) wanted.erase(it);
  publish_waiting(self);
}

void erase_if_unread(self_ptr self, const std::string& key) {
  auto it = self->state.streams.find(key);
  if (it == self->state.streams.end() || !it->second.readers.empty()) return;
  forget_request(self, it->second);
  self->state.streams.erase(it);
}

log_hub_actor::behavior_type hub(self_ptr self, log_hub_config cfg) {
  self->state.cfg = cfg;
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    // An agent's link gone (it died, or its connection did): its streams wait for it to log in
    // again, and end if it does not (a reader would otherwise wait for its follow limit).
    for (auto l = st.links.begin(); l != st.links.end(); ++l) {
      if (l->second.address() != dm.source) continue;
      const auto agent = l->first;
      st.links.erase(l);
      st.lost[agent] = std::chrono::steady_clock::now();
      for (auto& [key, s] : st.streams)
        if (s.agent_id == agent && !s.done) {
          s.answered = false;
          self->delayed_send(self, st.cfg.agent_wait, caf::timeout_atom::value, key, s.generation);
        }
      return;
    }
    auto& streams = st.streams;
    for (auto it = streams.begin(); it != streams.end();) {
      auto& rs = it->second.readers;
      std::erase_if(rs, [&](const reader& r) { return r.handle.address() == dm.source; });
      if (rs.empty()) forget_request(self, it->second);
      it = rs.empty() ? streams.erase(it) : std::next(it);
    }
  });
  return {
      [self](caf::subscribe_atom, std::string& work_id, std::string& agent_id, std::string& step,
             log_subscriber_actor& sub) {
        auto& st = self->state;
        auto [it, fresh] = st.streams.try_emplace(key_of(work_id, step, agent_id), st.cfg.ring_bytes);
        auto& s = it->second;
        self->monitor(sub);
        // A later reader starts at the oldest kept byte; on a finished stream it gets that and the end.
        s.readers.push_back(reader{sub, s.ring.begin(), 0});
        if (!fresh) return;
        s.work_id = std::move(work_id);
        s.step = std::move(step);
        s.agent_id = std::move(agent_id);
        ask(self, s);
      },
      [self](logmore_atom, int64_t bytes) {
        const auto from = self->current_sender();
        for (auto& [key, s] : self->state.streams)
          for (auto& r : s.readers)
            if (r.handle.address() == from) {
              r.credit += std::max<int64_t>(bytes, 0);
              settle(self, s);
              return;
            }
      },
      [self](logs_atom, std::string& agent_id, log_chunk& c) -> bool {
        auto& st = self->state;
        const auto key = key_of(c.work_id, c.step, agent_id);
        auto it = st.streams.find(key);
        if (it == st.streams.end()) return false;
        auto& s = it->second;
        if (s.generation != c.generation || s.done) return false;
        s.answered = true;
        s.ring.append(c.offset, c.text);
        if (c.done) {
          s.done = true;
          s.note = c.note;
        }
        const bool read = settle(self, s);
        if (!read) erase_if_unread(self, key);
        return read && !s.done;
      },
      [self](caf::get_atom, std::string& agent_id, std::string& work_id) {
        std::vector<log_stream_request> out;
        auto& wanted = self->state.by_heartbeat;
        auto it = wanted.find(agent_id);
        if (it == wanted.end()) return out;
        for (auto r = it->second.begin(); r != it->second.end();) {
          if (r->second.work_id != work_id) {
            ++r;
            continue;
          }
          out.push_back(std::move(r->second));
          r = it->second.erase(r);
        }
        if (it->second.empty()) wanted.erase(it);
        publish_waiting(self);
        return out;
      },
      [self](caf::join_atom, std::string& agent_id, agent_link_actor& link, int32_t version) {
        auto& st = self->state;
        if (version < 3) {
          st.links.erase(agent_id);
          return;
        }
        st.links[agent_id] = link;
        st.lost.erase(agent_id);
        self->monitor(link);
        // A reconnected agent picks its streams up where the last byte arrived.
        for (auto& [key, s] : st.streams)
          if (s.agent_id == agent_id && !s.done) {
            forget_request(self, s);
            ask(self, s);
          }
      },
      [self](caf::timeout_atom, std::string& key, uint64_t generation) {
        auto& st = self->state;
        auto it = st.streams.find(key);
        if (it == st.streams.end() || it->second.generation != generation || it->second.answered || it->second.done)
          return;
        auto& s = it->second;
        const bool caf = st.links.count(s.agent_id) > 0;
        if (auto l = st.lost.find(s.agent_id); !caf && l != st.lost.end()) {
          if (std::chrono::steady_clock::now() - l->second < st.cfg.lost_wait) {
            self->delayed_send(self, st.cfg.agent_wait, caf::timeout_atom::value, key, generation);
            return;
          }
          forget_request(self, s);
          end_all(self, s, "agent " + s.agent_id + " lost its CAF session and did not log in again within " +
                               std::to_string(st.cfg.lost_wait.count() / 1000) +
                               " s; the stored tail is kept when the run ends (brokkr work logs)");
          erase_if_unread(self, key);
          return;
        }
        // A CAF agent that is slow to find the pod is asked again. One without a session gets its
        // request with a heartbeat: asked again while that may still come, then given up on.
        if (!caf && std::chrono::steady_clock::now() - s.waiting_since < st.cfg.http_wait) {
          auto w = st.by_heartbeat.find(s.agent_id);
          if (w != st.by_heartbeat.end() && w->second.count(key)) {
            // Not taken yet: the same request keeps waiting for a heartbeat.
            self->delayed_send(self, st.cfg.agent_wait, caf::timeout_atom::value, key, generation);
            return;
          }
        }
        if (caf || std::chrono::steady_clock::now() - s.waiting_since < st.cfg.http_wait) {
          forget_request(self, s);
          ask(self, s);
          return;
        }
        forget_request(self, s);
        end_all(self, s,
                "agent " + s.agent_id + " did not answer: it has no protocol-3 CAF session on this broker and "
                "took no request with a heartbeat; the stored tail is kept when the run ends (brokkr work logs)");
        erase_if_unread(self, key);
      },
      [self](stats_atom) -> caf::result<uint64_t, uint64_t> {
        uint64_t bytes = 0;
        for (const auto& [key, s] : self->state.streams) bytes += s.ring.size();
        return {static_cast<uint64_t>(self->state.streams.size()), bytes};
      },
  };
}

}  // namespace

log_hub_actor spawn_log_hub(caf::actor_system& sys, log_hub_config cfg) { return sys.spawn(hub, cfg); }

}  // namespace brokkr::broker
