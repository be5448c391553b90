#pragma once
// Resolving a presented key to an identity: the database lookup runs as a persistence job.
#include <string>

#include "broker_node/auth/api_key.hpp"
#include "broker_node/auth/identity.hpp"
#include "persistence/persistence_actor.hpp"

namespace brokkr::auth {

// Looks the key up among admin keys, then agent keys; unauthenticated when neither matches.
persistence::db_result<identity> lookup(persistence::repositories& r, const api_key& key);

// First start: when no admin key exists, creates one and writes it to `key_file` (mode 0600).
// The file is written before the key is committed, so a key that exists is never lost; brokers
// starting together create one key between them. Returns true when this call created the key.
persistence::db_result<bool> bootstrap_admin_key(persistence::repositories& r, const std::string& key_file);

// "<short id>:<sha256 hex>" from configuration (--admin-key-hash): ensures that key exists.
persistence::db_result<bool> ensure_admin_key_hash(persistence::repositories& r, const std::string& short_and_hash);

}  // namespace brokkr::auth
