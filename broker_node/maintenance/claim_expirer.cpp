#include "broker_node/maintenance/claim_expirer.hpp"

#include "broker_node/maintenance/batched.hpp"

namespace brokkr::broker {

status<std::string> validate(const claim_expirer_config& cfg) {
  if (cfg.interval < std::chrono::milliseconds(100)) return unexpected(std::string("claim expirer interval must be at least 100ms"));
  if (cfg.batch < 1 || cfg.batch > 10000) return unexpected(std::string("claim expirer batch must be 1..10000"));
  if (cfg.max_batches < 1) return unexpected(std::string("claim expirer max_batches must be at least 1"));
  return ok;
}

persistence::db_result<claim_expirer_result> run_once(persistence::repositories& r, const claim_expirer_config& cfg) {
  claim_expirer_result out;
  // The batches and the budget are the other duties' (run_batches); each batch is also tallied.
  auto run = run_batches(cfg.batch, cfg.max_batches, [&](int n) -> persistence::db_result<std::vector<work_item>> {
    auto res = r.work.expire_stale_claims(n);
    if (!res) return unexpected(res.error());
    for (const auto& w : res->expired) {
      if (w.status == work_status::failed_retryable) ++out.retry;
      else if (w.status == work_status::canceled) ++out.canceled;
      else ++out.permanent;
    }
    return std::move(res->expired);
  });
  if (!run) return unexpected(run.error());
  out.more = run->more;
  return out;
}

duty make_claim_expirer(claim_expirer_config cfg, std::function<void(const duty_result&)> observe) {
  return duty{"claim_expirer", cfg.interval,
              [cfg](persistence::repositories& r) -> persistence::db_result<duty_result> {
                auto res = run_once(r, cfg);
                if (!res) return unexpected(res.error());
                const size_t n = res->retry + res->permanent + res->canceled;
                return duty_result{n,
                                   std::to_string(n) + " stale claims expired (" + std::to_string(res->retry) +
                                       " to retry, " + std::to_string(res->permanent) + " permanent, " +
                                       std::to_string(res->canceled) + " canceled)",
                                   {{"retry", res->retry}, {"permanent", res->permanent}, {"canceled", res->canceled}},
                                   res->more};
              },
              std::move(observe)};
}

}  // namespace brokkr::broker
