#include "broker_node/maintenance/soft_delete_purger.hpp"

namespace brokkr::broker {

status<std::string> validate(const soft_delete_purger_config& cfg) {
  if (cfg.interval < std::chrono::milliseconds(100)) return unexpected(std::string("purge interval must be at least 100ms"));
  if (cfg.retention.count() < 0) return unexpected(std::string("purge retention must not be negative"));
  if (cfg.batch < 1 || cfg.batch > 10000) return unexpected(std::string("purge batch must be 1..10000"));
  if (cfg.max_batches < 1) return unexpected(std::string("purge max_batches must be at least 1"));
  return ok;
}

persistence::db_result<batch_run> run_once(persistence::repositories& r, const soft_delete_purger_config& cfg) {
  return run_batches(cfg.batch, cfg.max_batches, [&](int n) { return r.work.purge_deleted(cfg.retention, n); });
}

duty make_soft_delete_purger(soft_delete_purger_config cfg) {
  return duty{"soft_delete_purger", cfg.interval,
              [cfg](persistence::repositories& r) -> persistence::db_result<duty_result> {
                auto n = run_once(r, cfg);
                if (!n) return unexpected(n.error());
                return duty_result{n->rows, std::to_string(n->rows) + " soft-deleted items purged", {{"purged", n->rows}},
                                   n->more};
              },
              {}};
}

}  // namespace brokkr::broker
