// brokkr-broker: see docs/configuration.md for every flag, and `brokkr-broker --help`.
//   brokkr-broker [flags]     run the broker
//   brokkr-broker keygen      print a new admin key and the <short>:<hash> line for --admin-key-hash
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <thread>

#include "broker_node/auth/api_key.hpp"
#include "broker_node/broker.hpp"
#include "common/log.hpp"

namespace {

int keygen() {
  const auto key = brokkr::auth::generate_key();
  std::cout << "key:  " << key.text() << "\n"
            << "hash: " << key.short_id << ":" << brokkr::auth::hash_secret(key.secret) << "\n"
            << "Give the key to the operator; give the hash line to --admin-key-hash (BROKKR_ADMIN_KEY_HASH).\n";
  return 0;
}

// Blocks SIGINT/SIGTERM in every thread (set before any thread starts) and returns once one arrives.
int wait_for_signal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "keygen") return keygen();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto parser = brokkr::broker::broker_options();
  auto values = parser.parse(argc, argv);
  if (!values) {
    std::cerr << "brokkr-broker: " << values.error().message << "\n";
    return 2;
  }
  if (values->help_requested()) {
    std::cout << parser.usage();
    return 0;
  }
  brokkr::log::level lvl;
  if (!brokkr::log::parse_level(values->str("log-level"), lvl)) {
    std::cerr << "brokkr-broker: --log-level must be debug, info, warn or error\n";
    return 2;
  }
  brokkr::log::set_level(lvl);
  auto settings = brokkr::broker::settings_from(*values);
  if (!settings) {
    std::cerr << "brokkr-broker: " << settings.error().message << "\n";
    return 2;
  }
  brokkr::broker::broker b(*settings);
  if (auto started = b.start(); !started) {
    brokkr::log::error("broker", started.error());
    return 1;
  }
  if (const auto& ready = values->str("ready-file"); !ready.empty()) {
    std::ofstream out(ready + ".tmp");
    out << "{\"http_port\": " << b.http_port() << ", \"caf_port\": " << b.caf_port() << ", \"pid\": " << ::getpid()
        << "}\n";
    out.close();
    std::rename((ready + ".tmp").c_str(), ready.c_str());
  }
  const int sig = wait_for_signal(set);
  brokkr::log::info("broker", "received ", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  // A shutdown that hangs (a stuck peer) must still end the process.
  std::thread([timeout = settings->shutdown_timeout] {
    std::this_thread::sleep_for(timeout + std::chrono::seconds(10));
    brokkr::log::error("broker", "shutdown did not finish in time; exiting");
    std::_Exit(1);
  }).detach();
  b.stop();
  return 0;
}
