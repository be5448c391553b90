#pragma once
// The route table of /api/v1 and the operational endpoints. docs/openapi.yaml documents every
// entry (a test compares them).
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace brokkr::broker::http {

class request_context;

enum class access : uint8_t { open, admin, agent_or_admin };

struct route {
  std::string method;
  std::string pattern;  // "/api/v1/ephemeral-work/{id}/claim"
  access who = access::admin;
  std::function<void(request_context&)> handle;
};

struct route_match {
  const route* found = nullptr;
  std::map<std::string, std::string> params;
  bool other_method = false;  // the path exists with another method: 405
};

route_match match(const std::vector<route>& routes, const std::string& method, const std::string& path);

std::vector<route> work_routes();
std::vector<route> agent_routes();
std::vector<route> ops_routes();
std::vector<route> console_routes();
const std::vector<route>& all_routes();

}  // namespace brokkr::broker::http
