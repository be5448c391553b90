#pragma once
// `work submit` flags to the body of POST /api/v1/ephemeral-work. Only what the user gave is sent,
// so the broker's defaults apply to the rest and its validation names any bad field.
#include <nlohmann/json.hpp>

#include <istream>
#include <string>

#include "cli/cli_error.hpp"
#include "common/config.hpp"

namespace brokkr::cli {

// The spec file's text (crd_spec is sent as written); "-" reads `in` to its end.
result<std::string> read_spec(const std::string& path, std::istream& in);

// `values` holds the flags of `work submit` (cli/commands.cpp).
result<nlohmann::json> submit_body(const config::values& values, std::string crd_spec);

// A duration flag as whole seconds ("90", "90s", "1h30m"); sub-second durations are a usage error.
result<long long> whole_seconds(const config::values& values, const std::string& flag);

}  // namespace brokkr::cli
