// The web console at /ui/: static files compiled into the broker (broker_node/console/). The page
// holds the API key in memory and calls /api/v1 with it like any client, so these routes need no
// key; they only serve files, under a policy that lets the page run nothing but its own script.
#include <string_view>

#include "broker_node/console_files.hpp"
#include "broker_node/http/request_context.hpp"
#include "broker_node/http/router.hpp"

namespace brokkr::broker::http {
namespace {

// No inline script or style, no other origin, no framing, no forms posting elsewhere: a value
// that reaches the page (a failure message, a label) can never run as code.
const brokkr::http::header_list& security_headers() {
  static const brokkr::http::header_list headers = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cache-Control", "no-cache"},
  };
  return headers;
}

std::string content_type_of(std::string_view name) {
  const auto ends = [name](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

void serve(request_context& c, std::string_view name) {
  for (const auto& f : console_files())
    if (f.name == name)
      return c.reply_raw(200, content_type_of(name), std::string(f.content), security_headers());
  c.fail(404, "not_found", "no console file " + std::string(name.substr(0, 64)));
}

void console_root(request_context& c) {
  auto headers = security_headers();
  headers.emplace_back("Location", "/ui/");
  c.reply_raw(308, "text/plain; charset=utf-8", "the console is at /ui/\n", std::move(headers));
}

}  // namespace

std::vector<route> console_routes() {
  return {
      {"GET", "/ui", access::open, console_root},
      {"GET", "/ui/", access::open, [](request_context& c) { serve(c, "index.html"); }},
      {"GET", "/ui/{file}", access::open, [](request_context& c) { serve(c, c.param("file")); }},
  };
}

}  // namespace brokkr::broker::http
