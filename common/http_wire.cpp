#include "common/http_wire.hpp"

#include <cstdio>

namespace brokkr::http {
namespace {

void append_clean(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (c != '\r' && c != '\n') out += c;
  }
}

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

bool status_forbids_body(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

std::string serialize_head(const response_head& head) {
  std::string out = "HTTP/1.1 " + std::to_string(head.status) + " ";
  out += reason_phrase(head.status);
  out += "\r\n";
  if (head.headers) {
    for (const auto& [name, value] : *head.headers) {
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection"))
        continue;  // owned by the server: framing must match what is written
      append_clean(out, name);
      out += ": ";
      append_clean(out, value);
      out += "\r\n";
    }
  }
  if (!head.content_type.empty()) {
    out += "Content-Type: ";
    append_clean(out, head.content_type);
    out += "\r\n";
  }
  if (head.chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (head.content_length && !status_forbids_body(head.status)) {
    out += "Content-Length: " + std::to_string(*head.content_length) + "\r\n";
  }
  if (!head.keep_alive) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

std::string chunk_frame(std::string_view data) {
  if (data.empty()) return {};
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out(size);
  out.reserve(out.size() + data.size() + 2);
  out.append(data);
  out += "\r\n";
  return out;
}

}  // namespace brokkr::http
