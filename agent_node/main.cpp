// brokkr-agent: see docs/configuration.md for every flag and `brokkr-agent --help`.
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "agent_node/agent.hpp"
#include "common/log.hpp"

int main(int argc, char** argv) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto parser = brokkr::agent::agent_options();
  parser.add({.name = "ready-file", .help = "once running, write {\"health_port\", \"pid\"} here (for scripts and tests)"});
  auto values = parser.parse(argc, argv);
  if (!values) {
    std::cerr << "brokkr-agent: " << values.error().message << "\n";
    return 2;
  }
  if (values->help_requested()) {
    std::cout << parser.usage();
    return 0;
  }
  brokkr::log::level lvl;
  if (!brokkr::log::parse_level(values->str("log-level"), lvl)) {
    std::cerr << "brokkr-agent: --log-level must be debug, info, warn or error\n";
    return 2;
  }
  brokkr::log::set_level(lvl);
  auto settings = brokkr::agent::settings_from(*values);
  if (!settings) {
    std::cerr << "brokkr-agent: " << settings.error().message << "\n";
    return 2;
  }
  brokkr::agent::agent a(*settings);
  if (auto started = a.start(); !started) {
    brokkr::log::error("agent", started.error());
    return 1;
  }
  if (const auto& ready = values->str("ready-file"); !ready.empty()) {
    std::ofstream(ready + ".tmp") << "{\"health_port\": " << a.health_port() << ", \"pid\": " << ::getpid() << "}\n";
    std::rename((ready + ".tmp").c_str(), ready.c_str());
  }
  int sig = 0;
  sigwait(&set, &sig);
  brokkr::log::info("agent", "received ", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  std::thread([] {
    std::this_thread::sleep_for(std::chrono::seconds(20));
    brokkr::log::error("agent", "shutdown did not finish in time; exiting");
    std::_Exit(1);
  }).detach();
  a.stop();
  return 0;
}
