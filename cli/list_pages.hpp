#pragma once
// Reads a paged list endpoint ({"items": [...], "next_cursor": ...}), following next_cursor when
// asked to.
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "cli/api_client.hpp"

namespace brokkr::cli {

using query_list = std::vector<std::pair<std::string, std::string>>;

// One page, or with `all` every page merged; the result has the page's shape, and next_cursor is
// null once every page was read.
result<nlohmann::json> list_pages(api_client& api, const std::string& path, query_list query, bool all);

}  // namespace brokkr::cli
