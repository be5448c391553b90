#pragma once
// Live build logs (protocol 3). A reader subscribes at the broker's log hub; the hub asks the
// claiming agent, over its CAF session, to stream one container of the item's pod from a byte
// offset; the agent sends chunks back through its session, each acknowledged with whether anyone
// still reads; the hub relays them to its subscribers as far as each one's credit allows.
//
// Memory stays bounded at every hop: the agent has one chunk in flight per stream, the hub keeps
// a ring of the newest bytes per stream, and a subscriber only gets what it asked for. A reader that
// falls behind the ring is told how many bytes it missed and goes on from the oldest kept byte.
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

#include "actors/atoms.hpp"

namespace brokkr {

using logs_atom = caf::atom_constant<caf::atom("logs")>;        // a stream request, or a chunk
using logdata_atom = caf::atom_constant<caf::atom("logdata")>;  // bytes for a subscriber
using logend_atom = caf::atom_constant<caf::atom("logend")>;    // the stream ended (why, if not the build)
using logmore_atom = caf::atom_constant<caf::atom("logmore")>;  // a subscriber's credit, in bytes

// The largest chunk an agent may send in one message; larger ones are refused (hostile input).
inline constexpr size_t max_log_chunk = 64 * 1024;

// One request to a claimer: stream step `step` ("" = the build step) of work `work_id` from byte
// `offset` on. `generation` tags the chunks; a newer request replaces an older one.
struct log_stream_request {
  std::string work_id;
  std::string step;
  int64_t offset = 0;
  uint64_t generation = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_stream_request& x) {
  return f(caf::meta::type_name("log_stream_request"), x.work_id, x.step, x.offset, x.generation);
}

// One piece of a stream, from the claimer. `done`: the container's log ended (the step finished or
// the pod is gone); `note` says why a stream ended without a log (no such step, no pod, ...).
struct log_chunk {
  std::string work_id;
  std::string step;
  uint64_t generation = 0;
  int64_t offset = 0;  // of text's first byte in the container's log
  std::string text;
  bool done = false;
  std::string note;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, log_chunk& x) {
  return f(caf::meta::type_name("log_chunk"), x.work_id, x.step, x.generation, x.offset, x.text, x.done, x.note);
}

// A reader of one stream (the HTTP follower, or an integration's actor).
using log_subscriber_actor = caf::typed_actor<
    caf::reacts_to<logdata_atom, std::string>,
    // The end: "" when the build's log ended, else why the stream stopped.
    caf::reacts_to<logend_atom, std::string>>;

}  // namespace brokkr
