#include "common/program.hpp"

#include <pthread.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "common/log.hpp"
#include "common/version.hpp"

namespace brokkr::program {

sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

int wait_for_stop(const sigset_t& signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  return sig;
}

void add_log_options(config::parser& p) {
  p.add({.name = "log-level", .help = "debug, info, warn or error", .default_value = "info"});
  p.add({.name = "log-format", .help = "text (one readable line per event) or json (one object per line)",
         .default_value = "text"});
}

std::optional<config::values> parse_or_explain(const config::parser& p, int argc, char** argv, int& exit_code) {
  const std::string name = argc > 0 ? argv[0] : "brokkr";
  const std::string program = name.substr(name.rfind('/') + 1);
  auto v = p.parse(argc, argv);
  if (!v) {
    std::cerr << program << ": " << v.error().message << "\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (v->help_requested()) {
    std::cout << p.usage();
    exit_code = 0;
    return std::nullopt;
  }
  if (v->version_requested()) {
    std::cout << program << " " << version() << "\n";
    exit_code = 0;
    return std::nullopt;
  }
  log::level lvl;
  if (!log::parse_level(v->str("log-level"), lvl)) {
    std::cerr << program << ": --log-level must be debug, info, warn or error\n";
    exit_code = 2;
    return std::nullopt;
  }
  log::format fmt;
  if (!log::parse_format(v->str("log-format"), fmt)) {
    std::cerr << program << ": --log-format must be text or json\n";
    exit_code = 2;
    return std::nullopt;
  }
  log::set_level(lvl);
  log::set_format(fmt);
  return std::move(*v);
}

void write_ready_file(const std::string& path, const std::string& json) {
  if (path.empty()) return;
  {
    std::ofstream out(path + ".tmp");
    out << json << "\n";
  }
  std::rename((path + ".tmp").c_str(), path.c_str());
}

void exit_if_still_running(std::chrono::milliseconds after, std::string program) {
  std::thread([after, program = std::move(program)] {
    std::this_thread::sleep_for(after);
    log::error(program, "shutdown did not finish in time; exiting");
    std::_Exit(1);
  }).detach();
}

}  // namespace brokkr::program
