#pragma once
// The registry of work types: each is one unit with its name, what it is for, and its validator.
// The broker validates crd_spec at submit with it and the agent parses crd_spec with the same code,
// so nothing reaches an agent that the agent would refuse as malformed. The agent's handler
// factories (agent_node/handlers/handler.cpp) are keyed by these names; a test checks that every
// type here has one.
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace brokkr::k8s {

inline constexpr std::string_view work_type_shipwright_build = "shipwright-build";
inline constexpr std::string_view work_type_kubernetes_apply = "kubernetes-apply";

// A refused spec. `field` is the path inside the API's request, e.g. "crd_spec.build.spec.output.image".
struct spec_error {
  std::string field;
  std::string message;  // a whole sentence naming the field
};

struct work_type {
  std::string_view name;
  std::string_view summary;  // one line for docs and --help
  std::string_view guide;    // the user guide in docs/
  expected<ok_t, spec_error> (*validate)(std::string_view crd_spec);
};

const std::vector<work_type>& work_types();
const work_type* find_work_type(std::string_view name);
// "shipwright-build, kubernetes-apply": for error messages.
std::string work_type_names();
// Every registered name, in registry order (an agent runs all of them unless told otherwise).
std::vector<std::string> work_type_list();

}  // namespace brokkr::k8s
