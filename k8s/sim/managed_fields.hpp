#pragma once
// metadata.managedFields and server-side apply, simplified (docs/adr/0012): field ownership is tracked
// per manager at the level of leaves (scalars, whole lists, empty maps); lists are atomic; .status is
// not tracked. Apply conflicts arise when another manager owns a field the applied configuration sets
// to a different value; force takes the field over. Fields the applier set before and leaves out now
// are removed unless someone else owns them.
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.hpp"
#include "k8s/api_status.hpp"

namespace brokkr::k8s::sim {

using field_path = std::vector<std::string>;
using field_set = std::set<field_path>;

// The owned leaves of an object (apiVersion, kind, status and server-set metadata excluded).
field_set leaf_fields(const nlohmann::json& obj);
nlohmann::json to_fields_v1(const field_set& fields);
field_set from_fields_v1(const nlohmann::json& fields_v1);
// ".spec.output.image"
std::string field_path_text(const field_path& p);

// An Update by `manager` (create, PUT, merge or JSON patch): it owns every leaf it changed, which
// other managers lose. Writes next.metadata.managedFields.
void record_update(const nlohmann::json* old_obj, nlohmann::json& next, const std::string& manager);

// Server-side apply of `applied` by `manager` onto `live` (null: create). Returns the merged object
// with managedFields, or 409 Conflict listing the conflicting fields.
expected<nlohmann::json, api_status> server_side_apply(const nlohmann::json& live, const nlohmann::json& applied,
                                                       const std::string& manager, bool force,
                                                       const std::string& qualified_name);

}  // namespace brokkr::k8s::sim
