// Raw BASP frames on the CAF port: what the guard (common/basp_guard.hpp) must close before CAF
// allocates or routes anything, and what it must let through.
#include <boost/test/data/test_case.hpp>

#include <random>

#include "common/basp_guard.hpp"
#include "tests/hostile/hostile.hpp"

using namespace brokkr;
using namespace brokkr::test;
using namespace brokkr::test::hostile;
namespace bdata = boost::unit_test::data;

namespace {

// A CAF 0.17 node id as a client handshake carries it: atom "default", a pid, a 20-byte host id.
std::string node_id(uint32_t pid) {
  std::string out = std::string("\x00\x00\x3e\x9a\xab\x9b\xac\x79", 8);
  for (int i = 3; i >= 0; --i) out += static_cast<char>((pid >> (8 * i)) & 0xff);
  std::mt19937 rng(pid);
  for (int i = 0; i < 20; ++i) out += static_cast<char>(rng() & 0xff);
  return out;
}

std::string frame(basp::operation op, const std::string& payload, uint8_t flags = 0, uint32_t announced = 0) {
  basp::header h;
  h.op = static_cast<uint8_t>(op);
  h.flags = flags;
  h.payload_len = announced ? announced : static_cast<uint32_t>(payload.size());
  return basp::serialize_header(h) + payload;
}

std::string handshake(uint32_t pid) { return frame(basp::operation::client_handshake, node_id(pid)); }

struct caf_case {
  std::string name;
  std::string bytes;
  bool closed;  // the guard must close the connection (else it must stay open)
};

std::ostream& operator<<(std::ostream& os, const caf_case& c) { return os << c.name; }

std::vector<caf_case> cases() {
  using op = basp::operation;
  return {
      {"one_gib_payload_before_any_handshake", frame(op::client_handshake, "", 0, 1u << 30), true},
      {"one_gib_direct_message_after_a_handshake", handshake(101) + frame(op::direct_message, "", 0, 1u << 30), true},
      {"four_gib_minus_one", handshake(102) + frame(op::heartbeat, "", 0, 0xffffffffu), true},
      {"message_over_caf_max_message", handshake(103) + frame(op::direct_message, "", 0, (2u << 20) + 1), true},
      {"direct_message_before_a_handshake", frame(op::direct_message, std::string(16, 'x')), true},
      {"routed_message_after_a_handshake", handshake(104) + frame(op::routed_message, std::string(80, 'r')), true},
      {"server_handshake_from_a_client", handshake(105) + frame(op::server_handshake, std::string(58, 's')), true},
      {"handshake_naming_another_node", handshake(106) + frame(op::client_handshake, node_id(107), basp::select_connection_flag), true},
      {"unknown_operation", handshake(108) + frame(static_cast<op>(42), ""), true},
      {"unknown_flags", handshake(109) + frame(op::direct_message, std::string(8, 'f'), 0x40), true},
      {"oversized_named_probe", handshake(110) + frame(op::direct_message, "", basp::named_receiver_flag, 1u << 20), true},
      {"garbage", std::string("\xde\xad\xbe\xef", 4) + std::string(28, '\x7f'), true},
      // Let through: CAF's own node-discovery probe is dropped, heartbeats pass.
      {"named_probe_is_dropped_not_closed",
       handshake(111) + frame(op::direct_message, std::string(40, 'p'), basp::named_receiver_flag) + frame(op::heartbeat, ""), false},
      {"heartbeats_pass", handshake(112) + frame(op::heartbeat, "") + frame(op::heartbeat, ""), false},
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(caf_port)

BOOST_DATA_TEST_CASE(basp_frames, bdata::make(cases()), c) {
  auto& s = suite_broker::get();
  raw_socket sock(s.caf_port(), 10);
  BOOST_REQUIRE(sock.fd >= 0);
  // As a CAF client does: the broker's handshake first (relayed by the guard), then ours.
  BOOST_REQUIRE(!sock.read_for(300).empty());
  sock.send_all(c.bytes);
  sock.read_for(c.closed ? 3000 : 1500);
  BOOST_TEST(sock.eof == c.closed, c.name << (sock.eof ? ": closed" : ": still open"));
  still_serving(c.name);
}

// One live connection per node id: a second peer claiming a connected node's id is closed.
BOOST_AUTO_TEST_CASE(a_node_id_in_use_cannot_be_claimed_by_another_connection) {
  auto& s = suite_broker::get();
  raw_socket first(s.caf_port(), 10), second(s.caf_port(), 10);
  first.read_for(300);
  second.read_for(300);
  first.send_all(handshake(200));
  first.read_for(300);
  BOOST_REQUIRE(!first.eof);
  second.send_all(handshake(200));
  second.read_for(3000);
  BOOST_TEST(second.eof);
  first.read_for(300);
  BOOST_TEST(!first.eof);  // the first keeps its route
  still_serving("duplicate node id");
}

// Past --caf-max-connections new peers are closed at once; the port serves again afterwards.
BOOST_AUTO_TEST_CASE(connections_past_the_cap_are_closed) {
  auto& s = suite_broker::get();
  std::vector<std::unique_ptr<raw_socket>> held;
  for (int i = 0; i < 40; ++i) held.push_back(std::make_unique<raw_socket>(s.caf_port(), 2));
  int closed = 0;
  for (auto& h : held) {
    h->read_for(200);
    if (h->eof) ++closed;
  }
  BOOST_TEST(closed >= 8, closed << " of 40 closed with a cap of 32");
  held.clear();
  // Unauthenticated peers that never handshake are closed after the handshake timeout; a fresh
  // one is served.
  BOOST_TEST(eventually([&] {
    raw_socket again(s.caf_port(), 2);
    again.read_for(300);
    again.send_all(handshake(300));
    again.read_for(300);
    return !again.eof;
  }, std::chrono::seconds(20)));
  still_serving("caf connection cap");
}

BOOST_AUTO_TEST_SUITE_END()
