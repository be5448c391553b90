#pragma once
// Connecting to a broker's CAF endpoint, for agents and integrations. These calls block (they
// wait for TCP and the login answer): call them from main, a test, or a detached actor.
#include <chrono>
#include <string>

#include "actors/gateway_protocol.hpp"
#include "common/expected.hpp"

namespace caf {
class actor_system;
class actor_system_config;
}  // namespace caf

namespace brokkr {

struct connect_options {
  std::string host = "127.0.0.1";
  uint16_t port = 4222;
  bool tls = false;  // the system must have loaded caf::openssl::manager
  std::chrono::milliseconds timeout{10000};
};

// Loads what a broker client needs: the type block, the middleman, heartbeats (so a dead broker is
// noticed in seconds), and with TLS the OpenSSL module with the given certificate, key and CA.
void configure_client(caf::actor_system_config& cfg, const std::string& tls_cert = {}, const std::string& tls_key = {},
                      const std::string& tls_ca = {});

expected<gateway_actor, std::string> connect_gateway(caf::actor_system& sys, const connect_options& opt);

// A logged-in session and the token every message to it must carry (actors/wire.hpp).
struct agent_login_result {
  agent_session_actor session;
  std::string agent_id;
  session_token token;
};

struct integration_login_result {
  integration_session_actor session;
  session_token token;
};

// Logs in with this build's protocol version; a broker that does not speak it says so in the error.
expected<agent_login_result, std::string> login_agent(caf::actor_system& sys, const gateway_actor& gw,
                                                      const std::string& key, const agent_link_actor& link,
                                                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
expected<integration_login_result, std::string> login_integration(caf::actor_system& sys, const gateway_actor& gw,
                                                                  const std::string& key,
                                                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace brokkr
