#pragma once
// `brokkr agents ...`: the handlers the command catalog points at.
#include "cli/command_spec.hpp"

namespace brokkr::cli {

result<int> agents_create(command_context& c);
result<int> agents_list(command_context& c);
result<int> agents_get(command_context& c);
result<int> agents_label(command_context& c);
result<int> agents_unlabel(command_context& c);
result<int> agents_annotate(command_context& c);
result<int> agents_activate(command_context& c);
result<int> agents_deactivate(command_context& c);
result<int> agents_delete(command_context& c);
result<int> agents_rotate_key(command_context& c);

}  // namespace brokkr::cli
