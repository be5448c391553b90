#pragma once
// Every failure a command can meet, as a value: the exit code scripts see and one line for humans.
#include <string>

#include "cli/exit_codes.hpp"
#include "common/expected.hpp"

namespace brokkr::cli {

struct cli_error {
  int exit_code = exit_code::api_error;
  std::string message;  // one line for stderr; names the field or flag when one is at fault
  std::string field;    // the API's details.field when the broker named one ("max_retries")
};

template <class T>
using result = expected<T, cli_error>;

inline cli_error usage_error(std::string message) { return {exit_code::usage, std::move(message)}; }

}  // namespace brokkr::cli
