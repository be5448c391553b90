#include "broker_node/agent_service.hpp"

#include "broker_node/auth/authenticate.hpp"

namespace brokkr::broker {
namespace {

using persistence::fail;
using persistence::make_job;
using persistence::repositories;

status<db_error> admin_only(const auth::identity& who) {
  if (!who.is_admin()) return fail(errc::forbidden, "this call requires an admin key");
  return ok;
}

status<db_error> self_or_admin(const auth::identity& who, const std::string& id) {
  if (!is_uuid(id)) return fail(errc::not_found, "no agent " + id.substr(0, 64) + " (ids are UUIDs)");
  if (!who.is_admin() && who.agent_id != id) return fail(errc::forbidden, "an agent key may only act on its own agent record");
  return ok;
}

status<db_error> known_agent(const auth::identity& who, const std::string& id) {
  if (auto a = admin_only(who); !a) return a;
  return self_or_admin(who, id);
}

}  // namespace

agent_service::agent_service(std::shared_ptr<auth::key_cache> keys) : keys_(std::move(keys)) {}

expected<agent_service::auth_step, db_error> agent_service::authenticate(const std::string& key_text) const {
  if (key_text.empty()) return fail(errc::unauthenticated, "an API key is required (Authorization: Bearer brokkr_BR...)");
  auto key = auth::parse_key(key_text);
  if (!key) return fail(errc::unauthenticated, key.error());
  const auto digest = auth::hash_secret(key_text);
  if (auto cached = keys_->get(digest)) return auth_step{*cached, std::nullopt};
  return auth_step{std::nullopt,
                   make_job<auth::identity>("auth", [k = *key, digest, keys = keys_](repositories& r) {
                     auto id = auth::lookup(r, k);
                     if (id) keys->put(digest, *id);
                     return id;
                   })};
}

op<created_agent> agent_service::create(const auth::identity& who, persistence::agent_create_params p) const {
  if (auto a = admin_only(who); !a) return unexpected(a.error());
  const auto key = auth::generate_key();
  p.key_short = key.short_id;
  p.key_hash = auth::hash_secret(key.secret);
  return make_job<created_agent>("agent_create",
                                 [p = std::move(p), text = key.text()](repositories& r) -> persistence::db_result<created_agent> {
                                   auto ch = r.agents.create(p);
                                   if (!ch) return unexpected(ch.error());
                                   return created_agent{std::move(ch->agent), text};
                                 });
}

op<persistence::agent_page> agent_service::list(const auth::identity& who, persistence::agent_list_params p) const {
  if (auto a = admin_only(who); !a) return unexpected(a.error());
  if (!p.after.empty() && !is_uuid(p.after))
    return fail(errc::invalid_argument, "cursor must be a cursor returned by a previous page", "cursor");
  if (!p.label.empty() && !validate_label("label", p.label)) return fail(errc::invalid_argument, "label is not a valid label", "label");
  if (p.limit < 1 || p.limit > 500) return fail(errc::invalid_argument, "limit must be between 1 and 500", "limit");
  return make_job<persistence::agent_page>("agent_list", [p = std::move(p)](repositories& r) { return r.agents.list(p); });
}

op<agent_record> agent_service::get(const auth::identity& who, const std::string& id) const {
  if (auto a = self_or_admin(who, id); !a) return unexpected(a.error());
  return make_job<agent_record>("agent_get", [id](repositories& r) { return r.agents.get(id); });
}

namespace {

template <class Fn>
op<agent_record> change(std::string name, Fn fn) {
  return make_job<agent_record>(std::move(name), [fn = std::move(fn)](repositories& r) -> persistence::db_result<agent_record> {
    auto ch = fn(r);
    if (!ch) return unexpected(ch.error());
    return std::move(ch->agent);
  });
}

}  // namespace

op<agent_record> agent_service::set_status(const auth::identity& who, const std::string& id, agent_status s) const {
  if (auto a = known_agent(who, id); !a) return unexpected(a.error());
  return change("agent_status", [id, s](repositories& r) { return r.agents.set_status(id, s); });
}

op<ok_t> agent_service::remove(const auth::identity& who, const std::string& id) const {
  if (auto a = known_agent(who, id); !a) return unexpected(a.error());
  return make_job<ok_t>("agent_delete", [id, keys = keys_](repositories& r) {
    auto res = r.agents.remove(id);
    if (res) keys->clear();
    return res;
  });
}

op<timestamp> agent_service::heartbeat(const auth::identity& who, const std::string& id) const {
  if (auto a = self_or_admin(who, id); !a) return unexpected(a.error());
  return make_job<timestamp>("agent_heartbeat", [id](repositories& r) { return r.agents.heartbeat(id); });
}

op<std::string> agent_service::rotate_key(const auth::identity& who, const std::string& id) const {
  if (auto a = self_or_admin(who, id); !a) return unexpected(a.error());
  const auto key = auth::generate_key();
  return make_job<std::string>("agent_rotate_key", [id, short_id = key.short_id, hash = auth::hash_secret(key.secret),
                                                    text = key.text(), keys = keys_](repositories& r)
                                                       -> persistence::db_result<std::string> {
    auto res = r.agents.rotate_key(id, short_id, hash);
    if (!res) return unexpected(res.error());
    keys->clear();
    return text;
  });
}

op<agent_record> agent_service::edit_labels(const auth::identity& who, const std::string& id, persistence::label_edit edit,
                                            std::vector<std::string> labels) const {
  if (auto a = known_agent(who, id); !a) return unexpected(a.error());
  for (size_t i = 0; i < labels.size(); ++i)
    if (auto v = validate_label("labels[" + std::to_string(i) + "]", labels[i]); !v)
      return fail(errc::invalid_argument, v.error().message, v.error().field);
  return change("agent_labels", [id, edit, labels = std::move(labels)](repositories& r) {
    return r.agents.edit_labels(id, edit, labels);
  });
}

op<agent_record> agent_service::edit_annotations(const auth::identity& who, const std::string& id,
                                                 persistence::label_edit edit,
                                                 std::map<std::string, std::string> annotations) const {
  if (auto a = known_agent(who, id); !a) return unexpected(a.error());
  for (const auto& [k, v] : annotations)
    if (auto bad = validate_annotation("annotations." + k, k, v); !bad)
      return fail(errc::invalid_argument, bad.error().message, bad.error().field);
  return change("agent_annotations", [id, edit, annotations = std::move(annotations)](repositories& r) {
    return r.agents.edit_annotations(id, edit, annotations);
  });
}

}  // namespace brokkr::broker
