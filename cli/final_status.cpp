#include "cli/final_status.hpp"

#include "cli/exit_codes.hpp"

namespace brokkr::cli {

bool is_terminal_status(std::string_view status) {
  return status == "COMPLETED" || status == "FAILED_PERMANENT" || status == "CANCELED";
}

int exit_code_for_final_status(std::string_view status) {
  if (status == "COMPLETED") return exit_code::success;
  if (status == "CANCELED") return exit_code::work_canceled;
  return exit_code::work_failed;
}

}  // namespace brokkr::cli
