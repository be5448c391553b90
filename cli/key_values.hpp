#pragma once
// KEY=VALUE arguments (annotations), from flags or positional arguments.
#include <map>
#include <string>
#include <vector>

#include "cli/cli_error.hpp"

namespace brokkr::cli {

// Each item must be KEY=VALUE with a non-empty KEY (VALUE may be empty or hold '='); a repeated
// KEY keeps the last value. `source` names the flag or argument for errors ("--annotation").
result<std::map<std::string, std::string>> parse_key_values(const std::vector<std::string>& items,
                                                            const std::string& source);

// The config parser splits a list flag's value at commas, so "--annotation note=a,b" arrives as
// "note=a" and "b": a piece without '=' is put back onto the value before it.
std::vector<std::string> rejoin_comma_values(const std::vector<std::string>& pieces);

}  // namespace brokkr::cli
