#pragma once
// Agents with their labels and annotations (SQL in persistence/queries/agents.sql). Every change
// to what an agent is re-resolves it against live work in the same transaction, so work
// submitted before a matching agent existed is not stranded.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/agent_record.hpp"
#include "persistence/db_error.hpp"

namespace brokkr::persistence {

class db_connection;

inline constexpr size_t max_agent_name_bytes = 255;

struct agent_create_params {
  std::string name;
  std::string cluster_name;
  std::vector<std::string> labels;
  std::map<std::string, std::string> annotations;
  agent_status status = agent_status::active;
  std::string key_short;  // the key's public id; empty: no key yet
  std::string key_hash;   // SHA-256 hex of the key's secret part
};

struct agent_list_params {
  std::optional<agent_status> status;
  std::string label;  // empty: any
  std::string after;  // cursor: id of the last agent of the previous page
  int limit = 100;
};

struct agent_page {
  std::vector<agent_record> items;
  std::string next;
};

// The agent as it is after a change, and the live work items it became a target of.
struct agent_change {
  agent_record agent;
  std::vector<std::string> newly_targeted;
};

struct agent_key_row {
  std::string agent_id;
  std::string key_hash;
  agent_status status = agent_status::active;
};

// One agent seen by this broker (sessions/presence_book.hpp collects them between writes).
struct presence_mark {
  std::string agent_id;
  std::string transport;  // "caf" or "http"
  bool connected = false;
  std::chrono::system_clock::time_point seen{};
};

enum class label_edit : uint8_t { replace, add, remove };

class agent_repository {
 public:
  explicit agent_repository(db_connection& conn);

  db_result<agent_change> create(const agent_create_params& p);
  db_result<agent_record> get(const std::string& id);
  db_result<agent_page> list(const agent_list_params& p);
  db_result<agent_change> set_status(const std::string& id, agent_status status);
  db_result<agent_change> edit_labels(const std::string& id, label_edit edit,
                                      const std::vector<std::string>& labels);
  // replace: the whole set; add: upsert these; remove: delete these keys (values ignored).
  db_result<agent_change> edit_annotations(const std::string& id, label_edit edit,
                                           const std::map<std::string, std::string>& annotations);
  db_result<ok_t> remove(const std::string& id);
  db_result<ok_t> rotate_key(const std::string& id, const std::string& key_short,
                             const std::string& key_hash);
  db_result<std::chrono::system_clock::time_point> heartbeat(const std::string& id);
  db_result<std::optional<agent_key_row>> find_by_key(const std::string& key_short);
  // One statement for all marks (ids must be distinct); returns the rows written.
  db_result<size_t> record_presence(const std::vector<presence_mark>& marks);

 private:
  template <class Fn>
  db_result<agent_change> change(const std::string& id, Fn&& mutate);
  db_connection& conn_;
};

}  // namespace brokkr::persistence
