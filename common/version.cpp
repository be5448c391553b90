#include "common/version.hpp"

namespace brokkr {

// BROKKR_VERSION is defined for this file only, so a version bump recompiles one file.
std::string_view version() { return BROKKR_VERSION; }

}  // namespace brokkr
