// The BASP guard's frame rules (common/basp_guard.hpp), header by header.
#include <boost/test/unit_test.hpp>

#include "common/basp_guard.hpp"

using namespace brokkr::basp;

namespace {

header frame(operation op, uint32_t len, uint8_t flags = 0) {
  header h;
  h.op = static_cast<uint8_t>(op);
  h.payload_len = len;
  h.flags = flags;
  return h;
}

}  // namespace

BOOST_AUTO_TEST_CASE(headers_round_trip_big_endian) {
  header h;
  h.op = 2;
  h.flags = 1;
  h.payload_len = 0x01020304;
  h.operation_data = 0x1122334455667788ull;
  h.source_actor = 7;
  h.dest_actor = 0xffffffffffffffffull;
  const auto bytes = serialize_header(h);
  BOOST_REQUIRE_EQUAL(bytes.size(), header_size);
  BOOST_TEST(static_cast<unsigned char>(bytes[4]) == 0x01u);  // payload_len, big-endian
  BOOST_TEST(static_cast<unsigned char>(bytes[7]) == 0x04u);
  const auto back = parse_header(reinterpret_cast<const unsigned char*>(bytes.data()));
  BOOST_TEST(back.op == h.op);
  BOOST_TEST(back.flags == h.flags);
  BOOST_TEST(back.payload_len == h.payload_len);
  BOOST_TEST(back.operation_data == h.operation_data);
  BOOST_TEST(back.source_actor == h.source_actor);
  BOOST_TEST(back.dest_actor == h.dest_actor);
}

BOOST_AUTO_TEST_CASE(the_first_frame_must_be_a_small_client_handshake) {
  const limits l;
  BOOST_TEST(!refuse(frame(operation::client_handshake, 32), false, l));
  // The classic: a header announcing 1 GiB, before any handshake.
  BOOST_TEST(refuse(frame(operation::client_handshake, 1u << 30), false, l).has_value());
  for (auto op : {operation::direct_message, operation::routed_message, operation::server_handshake,
                  operation::heartbeat, operation::monitor_message})
    BOOST_TEST(refuse(frame(op, 0), false, l).has_value());
  BOOST_TEST(refuse(frame(operation::client_handshake, 32, select_connection_flag), false, l).has_value());
  BOOST_TEST(refuse(header{.op = 7}, false, l).has_value());
}

BOOST_AUTO_TEST_CASE(after_the_handshake_only_direct_frames_within_the_limit) {
  const limits l{.max_payload = 1000, .max_handshake_payload = 64};
  BOOST_TEST(!refuse(frame(operation::direct_message, 1000), true, l));
  BOOST_TEST(refuse(frame(operation::direct_message, 1001), true, l).has_value());
  BOOST_TEST(!refuse(frame(operation::heartbeat, 0), true, l));
  BOOST_TEST(!refuse(frame(operation::monitor_message, 40), true, l));
  BOOST_TEST(!refuse(frame(operation::down_message, 40), true, l));
  BOOST_TEST(refuse(frame(operation::routed_message, 10), true, l).has_value());
  BOOST_TEST(refuse(frame(operation::server_handshake, 10), true, l).has_value());
  BOOST_TEST(refuse(frame(operation::direct_message, 10, 0x04), true, l).has_value());
  BOOST_TEST(refuse(header{.op = 200}, true, l).has_value());
  // CAF repeats its handshake to select the connection (the session checks it is the same node).
  BOOST_TEST(!refuse(frame(operation::client_handshake, 32, select_connection_flag), true, l));
  BOOST_TEST(refuse(frame(operation::client_handshake, 32, 0x81), true, l).has_value());
  BOOST_TEST(refuse(frame(operation::client_handshake, 65), true, l).has_value());
}

BOOST_AUTO_TEST_CASE(named_receiver_messages_are_dropped_never_relayed) {
  const limits l;
  const auto probe = frame(operation::direct_message, 100, named_receiver_flag);
  BOOST_TEST(!refuse(probe, true, l));
  BOOST_TEST(dropped(probe));
  BOOST_TEST(refuse(frame(operation::direct_message, max_named_payload + 1, named_receiver_flag), true, l).has_value());
  BOOST_TEST(!dropped(frame(operation::direct_message, 100)));
  BOOST_TEST(refuse(frame(operation::monitor_message, 10, named_receiver_flag), true, l).has_value());
}
