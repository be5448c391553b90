#include "broker_node/http/errors.hpp"

namespace brokkr::broker::http {

int status_for(errc code) {
  switch (code) {
    case errc::not_found: return 404;
    case errc::conflict: return 409;
    case errc::forbidden: return 403;
    case errc::invalid_argument: return 422;
    case errc::unavailable: return 503;
    case errc::internal: return 500;
    case errc::unauthenticated: return 401;
    case errc::timeout: return 504;
  }
  return 500;
}

std::string code_for(errc code) { return to_string(code); }

}  // namespace brokkr::broker::http
