#pragma once
// The broker's HTTP API as the CLI uses it: JSON in, JSON out, every failure a cli_error carrying
// its exit code (cli/api_error.hpp). One client per process; it reuses its connection.
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "cli/cli_error.hpp"
#include "common/http_client.hpp"

namespace brokkr::cli {

struct api_settings {
  std::string server;  // "http://127.0.0.1:8080"; a trailing '/' is ignored
  std::string key;     // "brokkr_BR..."
  std::chrono::milliseconds timeout{30000};  // each request; for streams, the connect phase only
  std::string ca_file;                       // PEM bundle for https://; empty: the system's
};

struct api_reply {
  int status = 0;
  nlohmann::json body;  // null for an empty body (204)
};

class api_client {
 public:
  explicit api_client(api_settings settings);
  const api_settings& settings() const { return settings_; }

  // Any 2xx is a reply; anything else is an error value.
  result<api_reply> call(const std::string& method, const std::string& path,
                         const nlohmann::json& body = nullptr);
  result<nlohmann::json> get(const std::string& path);
  result<nlohmann::json> post(const std::string& path, const nlohmann::json& body);

  // A streamed NDJSON answer: `on_object` gets each line's object as it arrives and returns false
  // to stop. Returns once the server ends the stream (or `on_object` stopped it).
  using object_callback = std::function<bool(const nlohmann::json&)>;
  result<ok_t> stream(const std::string& path, const object_callback& on_object);
  // A streamed answer as it comes (text/plain logs): `on_bytes` returns false to stop.
  result<ok_t> stream_bytes(const std::string& path, const char* accept,
                            const std::function<bool(std::string_view)>& on_bytes);

  const std::string& server() const { return settings_.server; }

 private:
  http::client_request request(const std::string& method, const std::string& path, const char* accept) const;
  api_settings settings_;
  http::client http_;
};

}  // namespace brokkr::cli
