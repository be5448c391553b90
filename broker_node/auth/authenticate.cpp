#include "broker_node/auth/authenticate.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace brokkr::auth {

persistence::db_result<identity> lookup(persistence::repositories& r, const api_key& key) {
  const auto presented = hash_secret(key.secret);
  auto admin = r.admin_keys.find(key.short_id);
  if (!admin) return unexpected(admin.error());
  if (admin->has_value()) {
    if (constant_time_equal((*admin)->key_hash, presented)) return identity{role::admin, {}};
    return persistence::fail(errc::unauthenticated, "invalid API key");
  }
  auto agent = r.agents.find_by_key(key.short_id);
  if (!agent) return unexpected(agent.error());
  if (agent->has_value() && constant_time_equal((*agent)->key_hash, presented))
    return identity{role::agent, (*agent)->agent_id};
  return persistence::fail(errc::unauthenticated, "invalid API key");
}

persistence::db_result<bool> bootstrap_admin_key(persistence::repositories& r, const std::string& key_file) {
  auto count = r.admin_keys.count_active();
  if (!count) return unexpected(count.error());
  if (*count > 0) return false;
  const auto key = generate_key();
  // A name of its own (the key's public id is random): brokers starting together on a shared
  // volume must not overwrite each other's key before one of them wins the insert.
  const auto tmp = key_file + "." + key.short_id + ".tmp";
  {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
      return persistence::fail(errc::invalid_argument,
                               "cannot write the admin key file " + tmp + ": " + std::strerror(errno), "admin-key-file");
    const auto text = key.text() + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::fchmod(fd, 0600);
    ::close(fd);
    if (!written) return persistence::fail(errc::internal, "cannot write the admin key file " + tmp, "admin-key-file");
  }
  auto created = r.admin_keys.bootstrap(key.short_id, hash_secret(key.secret), "bootstrap admin key");
  if (!created || !*created) {
    std::remove(tmp.c_str());
    if (!created) return unexpected(created.error());
    return false;
  }
  if (std::rename(tmp.c_str(), key_file.c_str()) != 0)
    return persistence::fail(errc::internal, "the admin key was created but could not be moved to " + key_file +
                                                 "; it is in " + tmp, "admin-key-file");
  return true;
}

persistence::db_result<bool> ensure_admin_key_hash(persistence::repositories& r, const std::string& short_and_hash) {
  const auto colon = short_and_hash.find(':');
  const auto short_id = short_and_hash.substr(0, colon);
  const auto hash = colon == std::string::npos ? std::string() : short_and_hash.substr(colon + 1);
  bool hex = hash.size() == 64;
  for (char c : hash) hex = hex && std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c));
  if (short_id.empty() || !hex)
    return persistence::fail(errc::invalid_argument,
                             "--admin-key-hash must be <short id>:<64 lower-case hex digits> (see brokkr-broker keygen)",
                             "admin-key-hash");
  auto existing = r.admin_keys.find(short_id);
  if (!existing) return unexpected(existing.error());
  if (existing->has_value()) {
    if ((*existing)->key_hash != hash)
      return persistence::fail(errc::conflict, "an admin key with short id " + short_id + " exists with another hash",
                               "admin-key-hash");
    return false;
  }
  auto id = r.admin_keys.insert(short_id, hash, "from configuration");
  if (id) return true;
  // Another replica starting at the same time inserted it first: fine if it is the same key.
  if (id.error().code != errc::conflict) return unexpected(id.error());
  auto again = r.admin_keys.find(short_id);
  if (!again) return unexpected(again.error());
  if (again->has_value() && (*again)->key_hash == hash) return false;
  return persistence::fail(errc::conflict, "an admin key with short id " + short_id + " exists with another hash",
                           "admin-key-hash");
}

}  // namespace brokkr::auth
