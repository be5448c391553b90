// A minimal agent for tests of the broker's CAF endpoint: logs in, optionally claims the next
// item, optionally heartbeats it, and then waits to be killed or frozen. It prints one line per
// step so the test can follow it:
//   caf_test_agent HOST PORT KEY [--claim] [--heartbeat] [--tls CA CERT KEY]
#include <caf/all.hpp>

#include <iostream>
#include <thread>

#include "actors/client.hpp"
#include "actors/type_ids.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: caf_test_agent HOST PORT KEY [--claim] [--heartbeat]\n";
    return 2;
  }
  bool claim = false, heartbeat = false;
  std::string ca, cert, key;
  for (int i = 4; i < argc; ++i) {
    const std::string a = argv[i];
    claim = claim || a == "--claim";
    heartbeat = heartbeat || a == "--heartbeat";
    if (a == "--tls" && i + 3 < argc) {
      ca = argv[++i];
      cert = argv[++i];
      key = argv[++i];
    }
  }
  caf::actor_system_config cfg;
  brokkr::configure_client(cfg, cert, key, ca);
  caf::actor_system sys{cfg};
  auto gw = brokkr::connect_gateway(
      sys, {.host = argv[1], .port = static_cast<uint16_t>(std::stoi(argv[2])), .tls = !ca.empty()});
  if (!gw) {
    std::cout << "error " << gw.error() << std::endl;
    return 1;
  }
  auto link = sys.spawn([]() -> brokkr::agent_link_actor::behavior_type {
    return {[](brokkr::available_atom, const std::string& id) { std::cout << "available " << id << std::endl; },
            [](brokkr::cancel_atom, const std::string& id) { std::cout << "cancel " << id << std::endl; },
            [](brokkr::logs_atom, const brokkr::log_stream_request& r) { std::cout << "logs " << r.work_id << std::endl; }};
  });
  auto login = brokkr::login_agent(sys, *gw, argv[3], link);
  if (!login) {
    std::cout << "error " << login.error() << std::endl;
    return 1;
  }
  std::cout << "session " << login->agent_id << std::endl;
  caf::scoped_actor self{sys};
  std::string id;
  int attempt = 0;
  while (claim && id.empty()) {
    self->request(login->session, std::chrono::seconds(10), brokkr::claimnext_atom::value, login->token,
                  std::vector<std::string>{}, int32_t{1})
        .receive(
            [&](std::vector<brokkr::work_item>& items) {
              if (!items.empty()) {
                id = items[0].id;
                attempt = items[0].attempt;
              }
            },
            [&](caf::error& e) { std::cout << "error " << sys.render(e) << std::endl; });
    if (id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (claim) std::cout << "claimed " << id << " " << attempt << std::endl;
  for (;;) {
    if (heartbeat && !id.empty())
      self->request(login->session, std::chrono::seconds(10), brokkr::heartbeat_atom::value, login->token, id, attempt)
          .receive([](bool) {}, [&](caf::error& e) { std::cout << "error " << sys.render(e) << std::endl; });
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}
