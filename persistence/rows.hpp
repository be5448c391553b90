#pragma once
// Reading result rows into the plain structs of actors/ (by column name, so column order in a
// statement never matters).
#include <pqxx/row>

#include "actors/agent_record.hpp"
#include "actors/work_item.hpp"

namespace brokkr::persistence {

work_item read_work_item(const pqxx::row& r);
work_event read_work_event(const pqxx::row& r);
// A row of agents with the `labels` and `annotations` JSON columns of agents_get.
agent_record read_agent(const pqxx::row& r);

std::string text_or_empty(const pqxx::field& f);
std::optional<timestamp> optional_time(const pqxx::field& f);

}  // namespace brokkr::persistence
