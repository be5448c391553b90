// The simulated cluster's request routing: a request line, query, headers and body from the input,
// answered in process (no socket, controllers idle). Input layout: "METHOD TARGET\n" then the body.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/http_url.hpp"
#include "k8s/sim/sim_cluster.hpp"

namespace {

class null_stream final : public brokkr::http::stream {
 public:
  bool write(std::string) override { return false; }  // watches end at once
  void finish() override {}
  void abort() override {}
  void on_close(std::function<void()> cb) override { cb(); }
  bool closed() const override { return true; }
  size_t queued() const override { return 0; }
};

class sink final : public brokkr::http::responder {
 public:
  void send(brokkr::http::response) override {}
  std::shared_ptr<brokkr::http::stream> begin_stream(int, brokkr::http::header_list, std::string) override {
    return std::make_shared<null_stream>();
  }
  bool client_gone() const override { return false; }
};

brokkr::k8s::sim::sim_cluster& cluster() {
  static brokkr::k8s::sim::sim_cluster c({.token = "fuzz", .install_strategies = false});
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto nl = input.find('\n');
  const auto line = input.substr(0, nl);
  const auto sp = line.find(' ');
  if (sp == std::string::npos) return 0;
  brokkr::http::request req;
  req.method = line.substr(0, sp);
  req.target = line.substr(sp + 1);
  const auto q = req.target.find('?');
  auto path = brokkr::http::percent_decode(std::string_view(req.target).substr(0, q));
  if (!path) return 0;
  req.path = *path;
  if (q != std::string::npos) {
    auto query = brokkr::http::parse_query(std::string_view(req.target).substr(q + 1));
    if (!query) return 0;
    req.query = std::move(*query);
  }
  req.headers.add("Authorization", "Bearer fuzz");
  req.headers.add("Content-Type", "application/json");
  req.body = nl == std::string::npos ? "" : input.substr(nl + 1);
  // The HTTP server turns an exception from a handler into a 500 (common/http_connection_impl.hpp);
  // here it is the same: what this target hunts is memory errors, UB, hangs and aborts.
  try {
    cluster().handle(std::move(req), std::make_shared<sink>());
  } catch (const std::exception&) {
  }
  return 0;
}
