#include "actors/client.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/caf_errors.hpp"
#include "actors/protocol_version.hpp"
#include "actors/scheduler.hpp"
#include "actors/type_ids.hpp"

namespace brokkr {

void configure_client(caf::actor_system_config& cfg, const std::string& tls_cert, const std::string& tls_key,
                      const std::string& tls_ca) {
  register_types(cfg);
  cfg.load<caf::io::middleman>();
  if (!tls_ca.empty()) {
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = tls_cert;
    cfg.openssl_key = tls_key;
    cfg.openssl_cafile = tls_ca;
  }
  configure_heartbeat(cfg, default_caf_heartbeat);  // the agent's configure_scheduler sets its flag's value
  cfg.set("logger.verbosity", caf::atom("quiet"));
}

expected<gateway_actor, std::string> connect_gateway(caf::actor_system& sys, const connect_options& opt) {
  auto gw = opt.tls ? caf::openssl::remote_actor<gateway_actor>(sys, opt.host, opt.port)
                    : sys.middleman().remote_actor<gateway_actor>(opt.host, opt.port);
  if (!gw) {
    // A broker of an older release publishes a gateway without this build's logins.
    if (gw.error() == caf::sec::unexpected_actor_messaging_interface)
      return unexpected("the broker at " + opt.host + ":" + std::to_string(opt.port) + " does not speak protocol version " +
                        std::to_string(protocol_version) + " (an older broker release); upgrade the broker first");
    return unexpected("cannot reach the broker's CAF endpoint at " + opt.host + ":" + std::to_string(opt.port) + ": " +
                      sys.render(gw.error()));
  }
  return *gw;
}

expected<agent_login_result, std::string> login_agent(caf::actor_system& sys, const gateway_actor& gw,
                                                      const std::string& key, const agent_link_actor& link,
                                                      std::chrono::milliseconds timeout) {
  caf::scoped_actor self{sys};
  expected<agent_login_result, std::string> out = unexpected(std::string("no answer"));
  self->request(gw, timeout, hello_atom::value, agent_login_atom::value, protocol_version, key, link)
      .receive([&](agent_session_actor& session,
                   login_reply& r) { out = agent_login_result{session, r.agent_id, std::move(r.token)}; },
               [&](caf::error& e) { out = unexpected(sys.render(e)); });
  return out;
}

expected<integration_login_result, std::string> login_integration(caf::actor_system& sys, const gateway_actor& gw,
                                                                  const std::string& key,
                                                                  std::chrono::milliseconds timeout) {
  caf::scoped_actor self{sys};
  expected<integration_login_result, std::string> out = unexpected(std::string("no answer"));
  self->request(gw, timeout, hello_atom::value, integ_login_atom::value, protocol_version, key)
      .receive([&](integration_session_actor& session,
                   login_reply& r) { out = integration_login_result{session, std::move(r.token)}; },
               [&](caf::error& e) { out = unexpected(sys.render(e)); });
  return out;
}

}  // namespace brokkr
