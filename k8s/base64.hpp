#pragma once
// Standard base64 (RFC 4648, with padding) for kubeconfig *-data fields and Secret data.
#include <optional>
#include <string>
#include <string_view>

namespace brokkr::k8s {

std::string base64_encode(std::string_view data);
// Ignores whitespace (PEM data is often wrapped); nullopt on any other invalid character.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace brokkr::k8s
