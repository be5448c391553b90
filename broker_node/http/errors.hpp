#pragma once
// The one place that turns error codes into HTTP statuses (STYLE.md 5.3).
#include <string>

#include "actors/errc.hpp"

namespace brokkr::broker::http {

int status_for(errc code);
// The "code" field of {"error": {"code", "message", "details"}}.
std::string code_for(errc code);

}  // namespace brokkr::broker::http
