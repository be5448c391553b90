#pragma once
// A guard in front of a CAF 0.17 BASP port (docs/adr/0050). CAF trusts its peers: a 32-byte header
// announcing a 4 GiB payload makes it allocate and zero 4 GiB before any handshake; a routed
// message carries whatever sender node the peer writes; a named-receiver message reaches CAF's own
// SpawnServ and ConfigServ. So the broker publishes its gateway on loopback only and this guard
// listens on the public address, terminates TLS, and relays only frames a direct client may send:
//
//   first frame         client_handshake, its payload at most max_handshake_payload, naming a node
//                       no other guarded connection uses
//   then                direct_message, monitor_message, down_message, heartbeat, each with
//                       flags 0 and a payload of at most max_payload; client_handshake again only
//                       with the select-connection flag and the same node (CAF sends that itself);
//                       a direct_message to a named receiver (CAF's SpawnServ or ConfigServ, which
//                       CAF's node discovery asks) is read and dropped: those actors stay unreachable
//   anything else       the connection is closed (both sides), nothing reaches CAF
//
// Frames from the broker to the peer pass unchanged. Header layout (BASP version 3, big-endian):
//   [0] operation  [1..2] padding  [3] flags  [4..7] payload_len  [8..15] operation_data
//   [16..23] source_actor  [24..31] dest_actor
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.hpp"

namespace brokkr::basp {

inline constexpr size_t header_size = 32;
inline constexpr uint8_t named_receiver_flag = 0x01;
inline constexpr uint8_t select_connection_flag = 0x02;
// CAF's own node discovery asks the peer's SpawnServ by name; such a message is small.
inline constexpr uint32_t max_named_payload = 4096;

enum class operation : uint8_t {
  server_handshake = 0,
  client_handshake = 1,
  direct_message = 2,
  routed_message = 3,
  monitor_message = 4,
  down_message = 5,
  heartbeat = 6,
};

struct header {
  uint8_t op = 0;
  uint8_t flags = 0;
  uint32_t payload_len = 0;
  uint64_t operation_data = 0;
  uint64_t source_actor = 0;
  uint64_t dest_actor = 0;
};

// Reads the 32 header bytes at `p` (big-endian fields).
header parse_header(const unsigned char* p);
// The 32 bytes of `h` (tests and fuzzers build frames with it).
std::string serialize_header(const header& h);

struct limits {
  uint32_t max_payload = 16 * 1024 * 1024;  // a work item's crd_spec is at most 1 MiB
  uint32_t max_handshake_payload = 1024;    // a node id is 32 bytes
};

// Why a frame from a peer must not reach the broker, or nullopt to relay it (or drop it, see
// dropped()). `handshaken`: the connection's client handshake has been relayed.
std::optional<std::string> refuse(const header& h, bool handshaken, const limits& l);
// A frame that is read and discarded instead of relayed (a named-receiver message).
bool dropped(const header& h);

struct tls_files {
  std::string cert_file;  // PEM chain
  std::string key_file;
  std::string ca_file;    // peers must present a certificate chaining to it (mutual TLS)
};

struct guard_config {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                   // 0: ephemeral
  uint16_t upstream_port = 0;          // the CAF port on 127.0.0.1
  limits frame_limits;
  size_t max_connections = 4096;
  std::chrono::seconds handshake_timeout{10};  // accept to client handshake (TLS included)
  std::optional<tls_files> tls;
};

class guard {
 public:
  explicit guard(guard_config cfg);
  ~guard();
  guard(const guard&) = delete;
  guard& operator=(const guard&) = delete;

  expected<uint16_t, std::string> start();
  void stop();
  uint16_t port() const;

  // For tests and metrics.
  size_t open_connections() const;
  uint64_t refused_frames() const;
  uint64_t dropped_frames() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace brokkr::basp
