#pragma once
// Brokkr's atoms (CAF 0.17: atom_constant, text at most 10 characters). CAF's own core atoms
// (get_atom, tick_atom, subscribe_atom, ...) are reused where they fit.
#include <caf/atom.hpp>

namespace brokkr {

using resync_atom = caf::atom_constant<caf::atom("resync")>;       // re-read state from PostgreSQL
using expire_atom = caf::atom_constant<caf::atom("expire")>;       // a claim's deadline passed
using retry_due_atom = caf::atom_constant<caf::atom("retrydue")>;  // a retry backoff ended
using available_atom = caf::atom_constant<caf::atom("available")>; // work became claimable
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;       // stop this work
using gone_atom = caf::atom_constant<caf::atom("gone")>;           // the item no longer exists
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using idle_atom = caf::atom_constant<caf::atom("idle")>;           // a work item with nothing to time
using run_atom = caf::atom_constant<caf::atom("run")>;             // run this job (job pools)

}  // namespace brokkr
