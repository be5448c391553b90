#include "cli/list_pages.hpp"

#include "cli/json_fields.hpp"
#include "common/http_url.hpp"

namespace brokkr::cli {

result<nlohmann::json> list_pages(api_client& api, const std::string& path, query_list query, bool all) {
  nlohmann::json merged = {{"items", nlohmann::json::array()}, {"next_cursor", nullptr}};
  std::string cursor;
  do {
    auto params = query;
    if (!cursor.empty()) params.emplace_back("cursor", cursor);
    auto page = api.get(path + http::build_query(params));
    if (!page) return unexpected(page.error());
    for (const auto& item : member(*page, "items")) merged["items"].push_back(item);
    const auto& next = member(*page, "next_cursor");
    cursor = next.is_string() ? next.get<std::string>() : std::string();
    merged["next_cursor"] = cursor.empty() ? nlohmann::json(nullptr) : nlohmann::json(cursor);
  } while (all && !cursor.empty());
  return merged;
}

}  // namespace brokkr::cli
