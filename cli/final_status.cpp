#include "cli/final_status.hpp"

#include "actors/work_status.hpp"
#include "cli/exit_codes.hpp"

namespace brokkr::cli {

bool is_terminal_status(std::string_view status) {
  const auto s = parse_work_status(status);
  return s && is_terminal(*s);
}

int exit_code_for_final_status(std::string_view status) {
  const auto s = parse_work_status(status);
  if (s == work_status::completed) return exit_code::success;
  if (s == work_status::canceled) return exit_code::work_canceled;
  return exit_code::work_failed;
}

}  // namespace brokkr::cli
