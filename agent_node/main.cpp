// brokkr-agent: see docs/configuration.md for every flag and `brokkr-agent --help`.
#include <unistd.h>

#include <iostream>

#include "agent_node/agent.hpp"
#include "common/log.hpp"
#include "common/program.hpp"

int main(int argc, char** argv) {
  const auto signals = brokkr::program::block_stop_signals();
  auto parser = brokkr::agent::agent_options();
  parser.add({.name = "ready-file", .help = "once running, write {\"health_port\", \"pid\"} here (for scripts and tests)"});
  int exit_code = 0;
  auto values = brokkr::program::parse_or_explain(parser, argc, argv, exit_code);
  if (!values) return exit_code;
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
  brokkr::program::write_ready_file(values->str("ready-file"), "{\"health_port\": " + std::to_string(a.health_port()) +
                                                                   ", \"pid\": " + std::to_string(::getpid()) + "}");
  const int sig = brokkr::program::wait_for_stop(signals);
  brokkr::log::info("agent", "received ", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  brokkr::program::exit_if_still_running(std::chrono::seconds(20), "agent");
  a.stop();
  return 0;
}
