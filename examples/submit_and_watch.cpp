// An integration that talks to the broker as actors (docs/integrations.md): it logs in with an
// admin key, submits a build, subscribes to the item, and prints every transition until the item
// is finished. Exit status: 0 when the work COMPLETED, 3 when it ended otherwise, 1 on errors.
//
//   brokkr-example-submit --broker-caf 127.0.0.1:4222 --key-file brokkr-admin.key --label gpu [--spec build.yaml]
#include <caf/all.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "actors/client.hpp"
#include "actors/type_ids.hpp"
#include "common/config.hpp"

namespace {

const char* default_spec = R"(apiVersion: shipwright.io/v1beta1
kind: Build
metadata:
  name: example-build
spec:
  source:
    type: Git
    git:
      url: https://github.com/shipwright-io/sample-go
  strategy:
    kind: ClusterBuildStrategy
    name: buildah-shipwright-managed-push
  output:
    image: registry.example.com/examples/sample-go:latest
)";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  brokkr::config::parser p("brokkr-example-submit", "Submit a build as an actor message and watch its transitions.");
  p.add({.name = "broker-caf", .help = "the broker's CAF endpoint", .default_value = "127.0.0.1:4222",
         .type = brokkr::config::kind::host_port});
  p.add({.name = "key-file", .help = "file holding an admin key", .required = true});
  p.add({.name = "label", .help = "target agents with these labels", .type = brokkr::config::kind::list});
  p.add({.name = "agent", .help = "target these agent ids", .type = brokkr::config::kind::list});
  p.add({.name = "spec", .help = "Build manifest file (default: a sample git build)"});
  auto v = p.parse(argc, argv);
  if (!v) {
    std::cerr << v.error().message << "\n";
    return 1;
  }
  if (v->help_requested()) {
    std::cout << p.usage();
    return 0;
  }
  caf::actor_system_config cfg;
  brokkr::configure_client(cfg);
  caf::actor_system sys{cfg};
  const auto [host, port] = v->host_port("broker-caf");
  auto gw = brokkr::connect_gateway(sys, {.host = host, .port = port});
  if (!gw) {
    std::cerr << gw.error() << "\n";
    return 1;
  }
  auto session = brokkr::login_integration(sys, *gw, read_file(v->str("key-file")));
  if (!session) {
    std::cerr << "login failed: " << session.error() << "\n";
    return 1;
  }
  brokkr::work_request req;
  req.work_type = "shipwright-build";
  req.crd_spec = v->is_set("spec") ? read_file(v->str("spec")) : default_spec;
  req.targets.labels = v->list("label");
  req.targets.agent_ids = v->list("agent");

  caf::scoped_actor self{sys};
  std::string id;
  int exit_code = 1;
  // Every call to the session carries the token it was issued at login.
  self->request(session->session, std::chrono::seconds(30), brokkr::submit_atom::value, session->token, req)
      .receive([&](brokkr::work_item& w, bool) { id = w.id; },
               [&](caf::error& e) { std::cerr << "submit failed: " << sys.render(e) << "\n"; });
  if (id.empty()) return 1;
  std::cout << "submitted " << id << "\n" << std::flush;
  auto me = caf::actor_cast<brokkr::work_subscriber_actor>(self);
  self->request(session->session, std::chrono::seconds(30), caf::subscribe_atom::value, session->token, id, int64_t{0}, me)
      .receive([](bool) {}, [&](caf::error& e) { std::cerr << "subscribe failed: " << sys.render(e) << "\n"; });
  for (bool done = false; !done;) {
    self->receive(
        [&](brokkr::work_event& e) {
          std::cout << e.at.time_since_epoch().count() / 1000000 << " " << (e.from_status.empty() ? "-" : e.from_status)
                    << " -> " << e.to_status << " attempt " << e.attempt
                    << (e.agent_id.empty() ? "" : " agent " + e.agent_id)
                    << (e.reason.empty() ? "" : " reason " + e.reason) << "\n"
                    << std::flush;
          const auto s = brokkr::parse_work_status(e.to_status);
          if (s && brokkr::is_terminal(*s)) {
            done = true;
            exit_code = *s == brokkr::work_status::completed ? 0 : 3;
          }
        },
        [&](brokkr::gone_atom, std::string&) {
          std::cerr << "the item was deleted\n";
          done = true;
        },
        caf::after(std::chrono::minutes(30)) >> [&] {
          std::cerr << "gave up waiting\n";
          done = true;
        });
  }
  return exit_code;
}
