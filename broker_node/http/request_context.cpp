#include "broker_node/http/request_context.hpp"

#include "broker_node/http/errors.hpp"
#include "common/decimal.hpp"

namespace brokkr::broker::http {

void request_context::fail(const persistence::db_error& e) {
  nlohmann::json details = nlohmann::json::object();
  if (!e.field.empty()) details["field"] = e.field;
  fail(status_for(e.code), code_for(e.code), e.message, details);
}

void request_context::fail(const validation_error& e) {
  fail(422, code_for(errc::invalid_argument), e.message, {{"field", e.field}});
}

bool request_context::query_int(const char* name, int64_t lo, int64_t hi, int64_t& out) {
  const auto v = req().query.get(name);
  if (!v) return true;
  if (const auto n = parse_decimal(*v); n && *n >= lo && *n <= hi) {
    out = *n;
    return true;
  }
  fail(400, "invalid_argument",
       std::string(name) + " must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi),
       {{"field", name}});
  return false;
}

bool request_context::query_int(const char* name, int lo, int hi, int& out) {
  int64_t wide = out;
  if (!query_int(name, int64_t{lo}, int64_t{hi}, wide)) return false;
  out = static_cast<int>(wide);
  return true;
}

}  // namespace brokkr::broker::http
