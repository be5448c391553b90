#pragma once
// The one type-ID block of the project: every type that crosses CAF's wire. Every executable and
// test that talks CAF loads it with brokkr::register_types(cfg).
#include <caf/type_id.hpp>

#include <map>
#include <vector>

#include "actors/agent_protocol.hpp"
#include "actors/gateway_protocol.hpp"
#include "actors/integration_protocol.hpp"
#include "actors/wire.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(brokkr, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_status))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_outcome))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::target_match))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_targets))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_request))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_item))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_event))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::completion_report))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::completion_ack))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_list_params))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_page))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::session_token))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::login_reply))
  CAF_ADD_TYPE_ID(brokkr, (std::vector<brokkr::work_item>))
  CAF_ADD_TYPE_ID(brokkr, (std::vector<brokkr::work_event>))
  CAF_ADD_TYPE_ID(brokkr, (std::vector<brokkr::completion_report>))
  CAF_ADD_TYPE_ID(brokkr, (std::vector<brokkr::completion_ack>))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::agent_link_actor))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::agent_session_actor))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::integration_session_actor))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::work_subscriber_actor))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::gateway_actor))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::log_stream_request))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::log_chunk))
  CAF_ADD_TYPE_ID(brokkr, (brokkr::log_subscriber_actor))
CAF_END_TYPE_ID_BLOCK(brokkr)

namespace caf {
class actor_system_config;
}

namespace brokkr {

// Adds the block and the "brokkr" error category to a CAF configuration.
void register_types(caf::actor_system_config& cfg);

}  // namespace brokkr
