#include "persistence/agent_repository.hpp"

#include <algorithm>

#include <pqxx/pqxx>

#include "actors/work_request.hpp"
#include "common/time.hpp"
#include "persistence/connection.hpp"
#include "persistence/pg_types.hpp"
#include "persistence/rows.hpp"

namespace brokkr::persistence {
namespace {

using opt_text = std::optional<std::string>;

// Valid labels, sorted and without duplicates (a label is a set member).
db_result<std::vector<std::string>> checked_labels(const std::vector<std::string>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto field = "labels[" + std::to_string(i) + "]";
    if (auto s = validate_label(field, labels[i]); !s)
      return fail(db_errc::invalid_argument, s.error().message, s.error().field);
  }
  std::vector<std::string> out = labels;
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

db_result<ok_t> check_annotations(const std::map<std::string, std::string>& annotations) {
  for (const auto& [k, v] : annotations)
    if (auto s = validate_annotation("annotations." + k, k, v); !s)
      return fail(db_errc::invalid_argument, s.error().message, s.error().field);
  return ok;
}

db_result<ok_t> check_name(const char* field, const std::string& value) {
  if (value.empty() || value.size() > max_agent_name_bytes)
    return fail(db_errc::invalid_argument,
                std::string(field) + " must be 1 to " + std::to_string(max_agent_name_bytes) + " characters",
                field);
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20)
      return fail(db_errc::invalid_argument, std::string(field) + " may not contain control characters", field);
  return ok;
}

std::pair<std::vector<std::string>, std::vector<std::string>> split(const std::map<std::string, std::string>& m) {
  std::vector<std::string> keys, values;
  for (const auto& [k, v] : m) {
    keys.push_back(k);
    values.push_back(v);
  }
  return {keys, values};
}

std::vector<std::string> ids_of(const pqxx::result& r) {
  std::vector<std::string> out;
  for (const auto& row : r) out.push_back(row[0].as<std::string>());
  return out;
}

agent_change finish_change(pqxx::work& tx, const std::string& id) {
  agent_change c;
  c.newly_targeted = ids_of(tx.exec_prepared("ephemeral_work_retarget_agent", id));
  c.agent = read_agent(tx.exec_prepared1("agents_get", id));
  tx.exec_prepared("agents_notify", id);
  return c;
}

}  // namespace

agent_repository::agent_repository(db_connection& conn) : conn_(conn) {}

// Lock the agent, apply `mutate`, re-target it, read it back: one transaction.
template <class Fn>
db_result<agent_change> agent_repository::change(const std::string& id, Fn&& mutate) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no agent " + id);
  return guarded([&]() -> db_result<agent_change> {
    pqxx::work tx{conn_.raw()};
    if (tx.exec_prepared("agents_lock", id).empty()) return fail(db_errc::not_found, "no agent " + id);
    mutate(tx);
    auto c = finish_change(tx, id);
    tx.commit();
    return c;
  });
}

db_result<agent_change> agent_repository::create(const agent_create_params& p) {
  if (auto s = check_name("name", p.name); !s) return unexpected(s.error());
  if (auto s = check_name("cluster_name", p.cluster_name); !s) return unexpected(s.error());
  const auto labels = checked_labels(p.labels);
  if (!labels) return unexpected(labels.error());
  if (auto s = check_annotations(p.annotations); !s) return unexpected(s.error());
  return guarded([&]() -> db_result<agent_change> {
    pqxx::work tx{conn_.raw()};
    pqxx::result inserted;
    try {
      inserted = tx.exec_prepared("agents_insert", p.name, p.cluster_name, std::string(to_string(p.status)),
                                  p.key_short.empty() ? opt_text{} : opt_text{p.key_short},
                                  p.key_hash.empty() ? opt_text{} : opt_text{p.key_hash});
    } catch (const pqxx::unique_violation&) {
      return fail(db_errc::conflict, "an agent named '" + p.name + "' already exists in cluster '" +
                                         p.cluster_name + "'", "name");
    }
    const auto id = inserted[0][0].as<std::string>();
    tx.exec_prepared("agent_labels_replace", id, pg_array(*labels));
    const auto [keys, values] = split(p.annotations);
    tx.exec_prepared("agent_annotations_replace", id, pg_array(keys), pg_array(values));
    auto c = finish_change(tx, id);
    tx.commit();
    return c;
  });
}

db_result<agent_record> agent_repository::get(const std::string& id) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no agent " + id);
  return guarded([&]() -> db_result<agent_record> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("agents_get", id);
    if (r.empty()) return fail(db_errc::not_found, "no agent " + id);
    return read_agent(r[0]);
  });
}

db_result<agent_page> agent_repository::list(const agent_list_params& p) {
  if (!p.after.empty() && !is_uuid(p.after)) return fail(db_errc::invalid_argument, "cursor is not valid", "cursor");
  const int limit = std::clamp(p.limit, 1, 500);
  return guarded([&]() -> db_result<agent_page> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared(
        "agents_list", p.status ? opt_text{to_string(*p.status)} : opt_text{},
        p.label.empty() ? opt_text{} : opt_text{p.label}, p.after.empty() ? opt_text{} : opt_text{p.after},
        limit + 1);
    agent_page page;
    for (const auto& row : r) page.items.push_back(read_agent(row));
    if (page.items.empty() && !p.after.empty() && !n.exec_prepared1("agents_cursor_known", p.after)["known"].as<bool>())
      return fail(db_errc::invalid_argument, "cursor names no agent (purged since?); list again without it", "cursor");
    if (static_cast<int>(page.items.size()) > limit) {
      page.items.pop_back();
      page.next = page.items.back().id;
    }
    return page;
  });
}

db_result<agent_change> agent_repository::set_status(const std::string& id, agent_status status) {
  return change(id, [&](pqxx::work& tx) {
    tx.exec_prepared("agents_update_status", id, std::string(to_string(status)));
  });
}

db_result<agent_change> agent_repository::edit_labels(const std::string& id, label_edit edit,
                                                      const std::vector<std::string>& labels) {
  const auto checked = checked_labels(labels);
  if (!checked) return unexpected(checked.error());
  static const char* statement[] = {"agent_labels_replace", "agent_labels_add", "agent_labels_delete"};
  return change(id, [&](pqxx::work& tx) {
    tx.exec_prepared(statement[static_cast<int>(edit)], id, pg_array(*checked));
  });
}

db_result<agent_change> agent_repository::edit_annotations(const std::string& id, label_edit edit,
                                                           const std::map<std::string, std::string>& annotations) {
  if (edit != label_edit::remove)
    if (auto s = check_annotations(annotations); !s) return unexpected(s.error());
  const auto [keys, values] = split(annotations);
  return change(id, [&](pqxx::work& tx) {
    switch (edit) {
      case label_edit::replace:
        tx.exec_prepared("agent_annotations_replace", id, pg_array(keys), pg_array(values));
        break;
      case label_edit::add:
        tx.exec_prepared("agent_annotations_upsert", id, pg_array(keys), pg_array(values));
        break;
      case label_edit::remove:
        tx.exec_prepared("agent_annotations_delete", id, pg_array(keys));
        break;
    }
  });
}

db_result<ok_t> agent_repository::remove(const std::string& id) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no agent " + id);
  return guarded([&]() -> db_result<ok_t> {
    pqxx::nontransaction n{conn_.raw()};
    if (n.exec_prepared("agents_soft_delete", id).empty()) return fail(db_errc::not_found, "no agent " + id);
    return ok;
  });
}

db_result<ok_t> agent_repository::rotate_key(const std::string& id, const std::string& key_short,
                                             const std::string& key_hash) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no agent " + id);
  return guarded([&]() -> db_result<ok_t> {
    pqxx::nontransaction n{conn_.raw()};
    if (n.exec_prepared("agents_rotate_key", id, key_short, key_hash).empty())
      return fail(db_errc::not_found, "no agent " + id);
    return ok;
  });
}

db_result<std::chrono::system_clock::time_point> agent_repository::heartbeat(const std::string& id) {
  if (!is_uuid(id)) return fail(db_errc::not_found, "no agent " + id);
  return guarded([&]() -> db_result<std::chrono::system_clock::time_point> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("agents_heartbeat", id);
    if (r.empty()) return fail(db_errc::not_found, "no agent " + id);
    return parse_pg_timestamp(r[0][0].as<std::string>());
  });
}

db_result<std::optional<agent_key_row>> agent_repository::find_by_key(const std::string& key_short) {
  return guarded([&]() -> db_result<std::optional<agent_key_row>> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("agents_find_by_key", key_short);
    if (r.empty()) return std::optional<agent_key_row>{};
    return std::optional<agent_key_row>{agent_key_row{
        r[0]["id"].as<std::string>(), r[0]["pak_hash"].as<std::string>(),
        parse_agent_status(r[0]["status"].as<std::string>()).value_or(agent_status::inactive)}};
  });
}

db_result<size_t> agent_repository::record_presence(const std::vector<presence_mark>& marks) {
  if (marks.empty()) return size_t{0};
  std::vector<std::string> ids, transports, seen;
  std::vector<bool> connected;
  for (const auto& m : marks) {
    if (!is_uuid(m.agent_id)) continue;  // only authenticated ids get here; a stray one must not fail the rest
    ids.push_back(m.agent_id);
    transports.push_back(m.transport);
    connected.push_back(m.connected);
    seen.push_back(format_rfc3339_millis(m.seen));
  }
  return guarded([&]() -> db_result<size_t> {
    pqxx::nontransaction n{conn_.raw()};
    const auto r = n.exec_prepared("agent_presence_record", pg_array(ids), pg_array(transports), pg_array(connected),
                                   pg_array(seen));
    return static_cast<size_t>(r.affected_rows());
  });
}

}  // namespace brokkr::persistence
