#include "tests/support/broker_process.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace brokkr::test {

std::vector<std::string> fast_broker_flags() {
  return {"--claim-sweep-interval", "300ms", "--ttl-sweep-interval", "300ms", "--rehydrate-interval", "2s",
          "--key-cache-ttl", "200ms", "--shutdown-timeout", "5s"};
}

broker_process::broker_process(std::string database_url, std::string admin_key_file, std::vector<std::string> extra)
    : db_url_(std::move(database_url)), key_file_(std::move(admin_key_file)), dir_(temp_dir("brokkr-broker")),
      extra_(std::move(extra)) {}

broker_process::~broker_process() {
  if (proc_ && proc_->running()) stop();
}

void broker_process::start() {
  const auto ready = dir_ + "/ready-" + std::to_string(++starts_) + ".json";
  std::vector<std::string> argv = {binary("broker_node/brokkr-broker"), "--database-url", db_url_,
                                   "--http-listen", "127.0.0.1:0", "--admin-key-file", key_file_,
                                   "--ready-file", ready};
  bool caf_given = false;
  for (const auto& f : extra_) caf_given = caf_given || f == "--caf-listen";
  if (!caf_given) argv.insert(argv.end(), {"--caf-listen", "127.0.0.1:0"});
  for (const auto& f : fast_broker_flags()) argv.push_back(f);
  for (const auto& f : extra_) argv.push_back(f);
  argv.insert(argv.begin(), wrapper_.begin(), wrapper_.end());
  proc_ = std::make_unique<child_process>(argv, dir_ + "/broker.log");
  const auto text = wait_for_file(ready, std::chrono::seconds(60));
  if (text.empty()) throw std::runtime_error("brokkr-broker did not become ready:\n" + proc_->log());
  const auto j = nlohmann::json::parse(text);
  http_port_ = j.at("http_port").get<uint16_t>();
  caf_port_ = j.at("caf_port").get<uint16_t>();
}

void broker_process::stop(int sig) {
  if (!proc_) return;
  proc_->signal(sig);
  proc_->wait(std::chrono::seconds(30));
}

void broker_process::kill9() { stop(SIGKILL); }

std::string broker_process::admin_key() const {
  std::ifstream in(key_file_);
  std::string key;
  std::getline(in, key);
  return key;
}

}  // namespace brokkr::test
