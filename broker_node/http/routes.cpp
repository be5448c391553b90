// The route table: every group of the facade, in the order match() tries them.
#include "broker_node/http/router.hpp"

namespace brokkr::broker::http {

const std::vector<route>& all_routes() {
  static const std::vector<route> routes = [] {
    std::vector<route> all;
    for (auto group : {work_routes(), agent_routes(), ops_routes(), console_routes()})
      all.insert(all.end(), group.begin(), group.end());
    return all;
  }();
  return routes;
}

}  // namespace brokkr::broker::http
