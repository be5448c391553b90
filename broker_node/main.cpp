// brokkr-broker: see docs/configuration.md for every flag, and `brokkr-broker --help`.
//   brokkr-broker [flags]     run the broker
//   brokkr-broker keygen      print a new admin key and the <short>:<hash> line for --admin-key-hash
#include <unistd.h>

#include <iostream>

#include "broker_node/auth/api_key.hpp"
#include "broker_node/broker.hpp"
#include "common/log.hpp"
#include "common/program.hpp"

namespace {

int keygen() {
  const auto key = brokkr::auth::generate_key();
  std::cout << "key:  " << key.text() << "\n"
            << "hash: " << key.short_id << ":" << brokkr::auth::hash_secret(key.secret) << "\n"
            << "Give the key to the operator; give the hash line to --admin-key-hash (BROKKR_ADMIN_KEY_HASH).\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "keygen") return keygen();
  const auto signals = brokkr::program::block_stop_signals();
  int exit_code = 0;
  auto values = brokkr::program::parse_or_explain(brokkr::broker::broker_options(), argc, argv, exit_code);
  if (!values) return exit_code;
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
  brokkr::program::write_ready_file(values->str("ready-file"),
                                    "{\"http_port\": " + std::to_string(b.http_port()) + ", \"caf_port\": " +
                                        std::to_string(b.caf_port()) + ", \"pid\": " + std::to_string(::getpid()) + "}");
  const int sig = brokkr::program::wait_for_stop(signals);
  brokkr::log::info("broker", "received ", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  // A shutdown that hangs (a stuck peer) must still end the process.
  brokkr::program::exit_if_still_running(settings->shutdown_timeout + std::chrono::seconds(10), "broker");
  b.stop();
  return 0;
}
