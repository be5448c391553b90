#include "k8s/sim/faults.hpp"

namespace brokkr::k8s::sim {
namespace {

struct type_name {
  fault_type type;
  const char* name;
};
constexpr type_name type_names[] = {{fault_type::http_error, "http-error"},
                                    {fault_type::watch_gone_http, "watch-gone-http"},
                                    {fault_type::watch_gone_event, "watch-gone-event"}};

template <class T>
expected<ok_t, std::string> read(const nlohmann::json& body, const char* key, T& out) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return ok;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return unexpected(std::string("field '") + key + "' has the wrong type");
  }
  return ok;
}

}  // namespace

expected<fault, std::string> parse_fault(const nlohmann::json& body) {
  if (!body.is_object()) return unexpected(std::string("the body must be a JSON object"));
  fault f;
  std::string type = "http-error";
  bool watch = false;
  for (auto r : {read(body, "type", type), read(body, "code", f.code), read(body, "reason", f.reason),
                 read(body, "message", f.message), read(body, "times", f.times), read(body, "method", f.method),
                 read(body, "pathPrefix", f.path_prefix), read(body, "watch", watch),
                 read(body, "retryAfterSeconds", f.retry_after_seconds)})
    if (!r) return unexpected(r.error());
  bool known = false;
  for (const auto& t : type_names)
    if (type == t.name) f.type = t.type, known = true;
  if (!known) return unexpected("field 'type' must be http-error, watch-gone-http or watch-gone-event, not '" + type + "'");
  if (f.code < 400 || f.code > 599) return unexpected(std::string("field 'code' must be between 400 and 599"));
  if (f.times == 0 || f.times < -1) return unexpected(std::string("field 'times' must be positive or -1"));
  if (f.retry_after_seconds < 0) return unexpected(std::string("field 'retryAfterSeconds' must not be negative"));
  if (body.contains("watch")) f.watch = watch;
  if (f.type != fault_type::http_error) f.watch = true;
  return f;
}

nlohmann::json to_json(const fault& f) {
  const char* type = "http-error";
  for (const auto& t : type_names)
    if (t.type == f.type) type = t.name;
  nlohmann::json j = {{"id", f.id},         {"type", type},     {"code", f.code},        {"reason", f.reason},
                      {"message", f.message}, {"times", f.times}, {"method", f.method},    {"pathPrefix", f.path_prefix},
                      {"retryAfterSeconds", f.retry_after_seconds}};
  if (f.watch) j["watch"] = *f.watch;
  return j;
}

uint64_t fault_injector::add(fault f) {
  std::lock_guard lock(mu_);
  f.id = next_id_++;
  faults_.push_back(f);
  return f.id;
}

std::optional<fault> fault_injector::take(const std::string& method, const std::string& path, bool is_watch) {
  std::lock_guard lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->method.empty() && it->method != method) continue;
    if (!it->path_prefix.empty() && path.rfind(it->path_prefix, 0) != 0) continue;
    if (it->watch && *it->watch != is_watch) continue;
    fault hit = *it;
    if (it->times > 0 && --it->times == 0) faults_.erase(it);
    return hit;
  }
  return std::nullopt;
}

void fault_injector::clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

nlohmann::json fault_injector::list() const {
  std::lock_guard lock(mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : faults_) out.push_back(to_json(f));
  return out;
}

}  // namespace brokkr::k8s::sim
