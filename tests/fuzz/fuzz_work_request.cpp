// The broker's JSON inputs: a work request (with the work-type validators behind it), a completion
// report, a batch of reports, an agent registration, an HTTP agent's live-log chunk.
#include <cstddef>
#include <cstdint>
#include <string>

#include "broker_node/http/json_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  using namespace brokkr::broker::http;
  (void)parse_work_request(body);
  if (auto c = parse_completion(body, "00000000-0000-4000-8000-000000000000")) {
    (void)brokkr::validate(*c);
    // A stored report is read back for every GET: the same bytes through the response path.
    brokkr::work_item w;
    w.result_details = c->result_details;
    (void)to_json(w);
  }
  (void)parse_completion_batch(body);
  (void)parse_agent_create(body);
  (void)parse_claim_next(body);
  (void)parse_log_chunk(body, "00000000-0000-4000-8000-000000000000");
  return 0;
}
