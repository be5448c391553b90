#pragma once
// The API's terminal work statuses (DESIGN.md section 4) and the exit code each one ends `--wait`
// with. FAILED_RETRYABLE is not terminal: --wait waits through retries.
#include <string_view>

namespace brokkr::cli {

bool is_terminal_status(std::string_view status);
// COMPLETED -> success, FAILED_PERMANENT -> work_failed, CANCELED -> work_canceled.
int exit_code_for_final_status(std::string_view status);

}  // namespace brokkr::cli
