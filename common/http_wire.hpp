#pragma once
// Bytes on the wire for HTTP/1.1 responses: status line and fields, chunk framing. The server writes
// responses from these rather than from Beast serializers so that plain responses and chunked streams
// share one ordered write queue per connection.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/http_headers.hpp"

namespace brokkr::http {

std::string_view reason_phrase(int status);

struct response_head {
  int status = 200;
  const header_list* headers = nullptr;
  std::string_view content_type;
  std::optional<size_t> content_length;  // nullopt with chunked
  bool chunked = false;
  bool keep_alive = true;
};

// "HTTP/1.1 200 OK\r\n...\r\n\r\n". Field names and values lose any CR or LF (no header injection).
std::string serialize_head(const response_head& head);
// One chunk of a chunked body; an empty input yields "" (an empty chunk would end the body).
std::string chunk_frame(std::string_view data);
inline constexpr std::string_view last_chunk = "0\r\n\r\n";

// True when a response with this status may not carry a body (1xx, 204, 304).
bool status_forbids_body(int status);

}  // namespace brokkr::http
