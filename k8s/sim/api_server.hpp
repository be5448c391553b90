#pragma once
// The simulated API server's HTTP front: bearer-token auth, fault injection, discovery and OpenAPI,
// the REST verbs on every served resource, watch streams, pod logs, and the /sim/v1 admin endpoints.
// It is the handler given to common/http_server; it never blocks.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/http_server.hpp"
#include "k8s/sim/discovery.hpp"
#include "k8s/sim/faults.hpp"
#include "k8s/sim/object_store.hpp"
#include "k8s/sim/pod_logs.hpp"
#include "k8s/sim/resource_registry.hpp"
#include "k8s/sim/scheduler.hpp"

namespace brokkr::k8s::sim {

// Extra checks on create and update beyond the schema (the sim's own knobs, built-in types).
using admission_hook = std::function<std::vector<status_cause>(const served_resource&, const json& obj)>;

struct api_options {
  std::string token;                                // "" = no authentication
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  std::chrono::seconds default_watch_timeout{1800};
  std::string server_address = "127.0.0.1:6443";    // for /api serverAddressByClientCIDRs
};

struct api_parts {
  const resource_registry& registry;
  object_store& store;
  const discovery& disc;
  fault_injector& faults;
  pod_logs& logs;
  scheduler& sched;
};

class api_server {
 public:
  api_server(api_parts parts, api_options opts, admission_hook admission = {});

  void handle(http::request req, std::shared_ptr<http::responder> r);
  // Ends every open watch stream abruptly, as a crashing API server would (fault injection).
  size_t drop_watches();
  // A Status body for errors the HTTP server makes itself (400 malformed, 413, 503).
  static http::response error_response(int status, std::string code, std::string message);

 private:
  struct route {
    const served_resource* res = nullptr;
    std::string ns;
    std::string name;
    std::string sub;
  };
  using reply = std::shared_ptr<http::responder>;

  bool authorized(const http::request& req) const;
  bool serve_discovery(const http::request& req, const reply& r);
  void serve_admin(const http::request& req, const reply& r);
  std::optional<route> parse_route(const std::string& path, std::string& error) const;
  bool inject_fault(const http::request& req, bool is_watch, const reply& r);

  void dispatch(const http::request& req, const route& rt, const reply& r);
  void get_object(const http::request& req, const route& rt, const reply& r);
  void list_objects(const http::request& req, const route& rt, const reply& r);
  void create_object(const http::request& req, const route& rt, const reply& r);
  void update_object(const http::request& req, const route& rt, const reply& r);
  void patch_object(const http::request& req, const route& rt, const reply& r);
  expected<json, api_status> apply_patch(const http::request& req, const route& rt, json body, const write_context& ctx,
                                         std::vector<std::string>& warnings, bool& created);
  void delete_object(const http::request& req, const route& rt, const reply& r);
  void watch_objects(const http::request& req, const route& rt, const reply& r);
  void pod_log(const http::request& req, const route& rt, const reply& r);
  void track(const std::shared_ptr<http::stream>& stream);
  void schedule_bookmarks(const std::shared_ptr<http::stream>& stream, uint64_t watch_id,
                          const std::shared_ptr<std::atomic<uint64_t>>& task);

  // Decodes, checks and validates a request body as an object of rt's type; the error is the answer.
  // `partial`: an apply configuration, which may leave out required fields (the merged result may not).
  expected<json, api_status> admit(const http::request& req, const route& rt, json obj,
                                   std::vector<std::string>& warnings, bool partial = false) const;
  static expected<std::vector<status_cause>, api_status> check_schema(const http::request& req,
                                                                      const served_resource& res, json& obj,
                                                                      std::vector<std::string>& warnings);
  write_context write_ctx(const http::request& req) const;
  static expected<selector_query, api_status> parse_selectors(const http::request& req, const served_resource& res,
                                                              const std::string& ns);

  api_parts parts_;
  api_options opts_;
  admission_hook admission_;
  std::mutex streams_mu_;
  std::vector<std::weak_ptr<http::stream>> streams_;
};

}  // namespace brokkr::k8s::sim
