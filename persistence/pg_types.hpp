#pragma once
// Conversions between our values and PostgreSQL's text forms for libpqxx 6: arrays as literals,
// timestamps from timestamptz text. (libpqxx 6 binds an empty std::optional as NULL by itself.)
#include <chrono>
#include <optional>
#include <string>
#include <vector>


namespace brokkr::persistence {

// {"a","b\"c"}: every element quoted, so no value can be misread as NULL or split.
std::string pg_array(const std::vector<std::string>& items);
// As above; an empty optional becomes an unquoted NULL element.
std::string pg_array(const std::vector<std::optional<std::string>>& items);
std::string pg_array(const std::vector<int>& items);
std::string pg_array(const std::vector<bool>& items);

// "2026-11-28 06:39:18.123456+00" (the session runs with TimeZone=UTC).
std::chrono::system_clock::time_point parse_pg_timestamp(const std::string& text);

}  // namespace brokkr::persistence
