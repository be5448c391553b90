#include "agent_node/health.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/job_request.hpp"

namespace brokkr::agent {

caf::actor spawn_prober(caf::actor_system& sys, k8s_pool_actor k8s, std::string ns, std::shared_ptr<readiness> ready,
                        std::chrono::milliseconds every) {
  return sys.spawn([=](caf::event_based_actor* self) -> caf::behavior {
    self->send(self, caf::tick_atom::value);
    return {
        [=](caf::tick_atom) {
          self->delayed_send(self, every, caf::tick_atom::value);
          // Half the interval: the prober's own last answer is a little less than one interval old
          // at this tick, and must not count as fresh (that would probe every other tick).
          if (ready->kubernetes->recorded_within(every / 2)) return;
          // Any answer from the API server shows it is reachable (the pool records it); listing one
          // BuildRun is something the agent's Role allows, so a healthy agent causes no denials.
          request_job(
              self, k8s, every,
              make_k8s_job<int>("probe", [ns](k8s::client& c) -> expected<int, k8s::api_status> {
                k8s::list_options o;
                o.limit = 1;
                auto l = c.list(k8s::resources::buildruns, ns, o);
                if (!l) return unexpected(l.error());
                return static_cast<int>(l->items.size());
              }),
              [](int) {}, [](const k8s::api_status&) {});
        },
    };
  });
}

std::unique_ptr<http::server> make_health_server(std::string host, uint16_t port, std::shared_ptr<readiness> ready,
                                                 std::shared_ptr<metrics::registry> metrics) {
  http::server_config cfg;
  cfg.host = std::move(host);
  cfg.port = port;
  return std::make_unique<http::server>(cfg, [ready, metrics](http::request req, std::shared_ptr<http::responder> resp) {
    const bool broker = *ready->broker, kube = ready->kubernetes->reachable;
    if (req.path == "/healthz") return resp->send({200, {}, "application/json", "{\"status\":\"ok\"}\n"});
    if (req.path == "/readyz") {
      const nlohmann::json body = {{"broker", broker ? "reachable" : "unreachable"},
                                   {"kubernetes", kube ? "reachable" : "unreachable"}};
      return resp->send({broker && kube ? 200 : 503, {}, "application/json", body.dump() + "\n"});
    }
    if (req.path == "/metrics") {
      metrics->set("brokkr_agent_broker_connected", {}, broker ? 1 : 0);
      metrics->set("brokkr_agent_kubernetes_reachable", {}, kube ? 1 : 0);
      return resp->send({200, {}, "text/plain; version=0.0.4; charset=utf-8", metrics->render()});
    }
    resp->send(http::default_error(404, "not_found", "no route for " + req.path));
  });
}

}  // namespace brokkr::agent
