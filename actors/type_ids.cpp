#include "actors/type_ids.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>

#include "actors/caf_errors.hpp"

namespace brokkr {

errc code_of(const caf::error& e) {
  if (e.category() != caf::atom("brokkr") || e.code() == 0) return errc::internal;
  return static_cast<errc>(e.code());
}

std::string message_of(const caf::error& e) {
  if (e.category() == caf::atom("brokkr") && e.context().match_elements<std::string>())
    return e.context().get_as<std::string>(0);
  return caf::to_string(e);
}

void register_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::brokkr>();
  cfg.add_error_category(caf::atom("brokkr"), [](uint8_t code, caf::atom_value, const caf::message& ctx) {
    std::string text = std::string("brokkr.") + to_string(static_cast<errc>(code));
    if (ctx.match_elements<std::string>()) text += ": " + ctx.get_as<std::string>(0);
    return text;
  });
}

}  // namespace brokkr
