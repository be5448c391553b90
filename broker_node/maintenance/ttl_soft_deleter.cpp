#include "broker_node/maintenance/ttl_soft_deleter.hpp"

namespace brokkr::broker {

status<std::string> validate(const ttl_soft_deleter_config& cfg) {
  if (cfg.interval < std::chrono::milliseconds(100)) return unexpected(std::string("TTL sweep interval must be at least 100ms"));
  if (cfg.batch < 1 || cfg.batch > 10000) return unexpected(std::string("TTL sweep batch must be 1..10000"));
  if (cfg.max_batches < 1) return unexpected(std::string("TTL sweep max_batches must be at least 1"));
  return ok;
}

persistence::db_result<batch_run> run_once(persistence::repositories& r, const ttl_soft_deleter_config& cfg) {
  return run_batches(cfg.batch, cfg.max_batches, [&](int n) { return r.work.soft_delete_expired(n); });
}

duty make_ttl_soft_deleter(ttl_soft_deleter_config cfg) {
  return duty{"ttl_soft_deleter", cfg.interval,
              [cfg](persistence::repositories& r) -> persistence::db_result<duty_result> {
                auto n = run_once(r, cfg);
                if (!n) return unexpected(n.error());
                return duty_result{n->rows, std::to_string(n->rows) + " finished items past their TTL soft-deleted", {{"soft_deleted", n->rows}},
                                   n->more};
              },
              {}};
}

}  // namespace brokkr::broker
