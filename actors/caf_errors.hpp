#pragma once
// brokkr::errc as a CAF error code (category "brokkr"), so sessions answer with typed errors that
// survive the wire. Register the category with add_error_category (type_ids.hpp does).
#include <caf/error.hpp>

#include <string>

#include "actors/errc.hpp"

CAF_ERROR_CODE_ENUM(brokkr::errc, "brokkr")

namespace brokkr {

inline caf::error make_error(errc code, std::string message) { return caf::make_error(code, std::move(message)); }

// The code and message of an error a session returned; internal when it is not one of ours.
errc code_of(const caf::error& e);
std::string message_of(const caf::error& e);

}  // namespace brokkr
