// Label and field selectors as the simulated API server parses them from query strings.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "k8s/selector.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = brokkr::k8s::label_selector::parse(text)) {
    static const std::map<std::string, std::string> labels = {{"app", "x"}, {"env", "prod"}, {"brokkr.io/work-id", "w"}};
    (void)s->matches(labels);
  }
  (void)brokkr::k8s::parse_field_selector(text);
  return 0;
}
