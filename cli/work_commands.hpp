#pragma once
// `brokkr work ...`: the handlers the command catalog points at.
#include "cli/command_spec.hpp"

namespace brokkr::cli {

result<int> work_submit(command_context& c);
result<int> work_get(command_context& c);
result<int> work_list(command_context& c);
result<int> work_events(command_context& c);
result<int> work_cancel(command_context& c);
result<int> work_retry(command_context& c);
result<int> work_logs(command_context& c);

}  // namespace brokkr::cli
