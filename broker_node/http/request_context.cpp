#include "broker_node/http/request_context.hpp"

#include "broker_node/http/errors.hpp"

namespace brokkr::broker::http {

void request_context::fail(const persistence::db_error& e) {
  nlohmann::json details = nlohmann::json::object();
  if (!e.field.empty()) details["field"] = e.field;
  fail(status_for(e.code), code_for(e.code), e.message, details);
}

void request_context::fail(const validation_error& e) {
  fail(422, code_for(errc::invalid_argument), e.message, {{"field", e.field}});
}

bool request_context::acting_agent(const std::string& from_body, std::string& out) {
  if (who().is_admin()) {
    if (from_body.empty()) {
      fail(422, code_for(errc::invalid_argument), "agent_id is required with an admin key", {{"field", "agent_id"}});
      return false;
    }
    out = from_body;
    return true;
  }
  if (!from_body.empty() && from_body != who().agent_id) {
    fail(403, code_for(errc::forbidden), "an agent key may only act as its own agent", {{"field", "agent_id"}});
    return false;
  }
  out = who().agent_id;
  return true;
}

bool request_context::require_self_or_admin(const std::string& agent_id) {
  if (who().is_admin() || who().agent_id == agent_id) return true;
  fail(403, code_for(errc::forbidden), "an agent key may only act on its own agent record");
  return false;
}

}  // namespace brokkr::broker::http
