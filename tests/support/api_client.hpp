#pragma once
// A small JSON client for tests that talk to a broker over real HTTP. One per thread.
#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <string>

#include "common/http_client.hpp"

namespace brokkr::test {

struct api_response {
  int status = 0;  // 0: no HTTP answer (transport error)
  nlohmann::json body;
  std::string raw;
  std::string transport_error;
};

class api_client {
 public:
  explicit api_client(std::string base_url, std::string key = {});
  api_response get(const std::string& path);
  api_response post(const std::string& path, const nlohmann::json& body = nlohmann::json::object());
  api_response post_raw(const std::string& path, const std::string& body);
  api_response put(const std::string& path, const nlohmann::json& body);
  api_response patch(const std::string& path, const nlohmann::json& body);
  api_response del(const std::string& path);
  api_response call(const std::string& method, const std::string& path, const std::string& body);
  // GETs a stream of JSON lines (`?follow=1`), handing each parsed line to on_line, until the server
  // ends the stream (true) or the connection fails or times out (false). Blocks meanwhile.
  bool stream_lines(const std::string& path, const std::function<void(const nlohmann::json&)>& on_line);
  // GETs a streamed body, handing each chunk to on_chunk as it arrives (false: stop reading).
  // Returns the status (0: no answer) once the stream ended or was stopped; `content_type` gets the
  // answer's Content-Type when given. Setting `stop` hangs up within about 100 ms.
  int stream_chunks(const std::string& path, const std::function<bool(std::string_view)>& on_chunk,
                    std::string* content_type = nullptr, const std::atomic<bool>* stop = nullptr);

  std::string key;
  std::chrono::milliseconds timeout{15000};

 private:
  std::string base_;
  http::client client_;
};

}  // namespace brokkr::test
