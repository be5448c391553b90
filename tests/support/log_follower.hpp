#pragma once
// Follows a streamed answer (a live log, GET .../logs?follow=true) on a thread of its own and keeps
// what arrived, when each piece arrived, and how the stream ended. Destroying it hangs up.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/api_client.hpp"

namespace brokkr::test {

struct log_follower {
  std::mutex m;
  std::condition_variable cv;
  std::string text;
  std::vector<std::chrono::steady_clock::time_point> pieces;  // arrival of each non-empty chunk
  std::string content_type;
  int status = -1;  // -1 while streaming; then the answer's status (0: no answer)
  std::atomic<bool> stop{false};
  std::thread t;

  log_follower(const std::string& url, const std::string& key, const std::string& path) {
    t = std::thread([this, url, key, path] {
      api_client c(url, key);
      c.timeout = std::chrono::seconds(120);
      std::string ct;
      const int st = c.stream_chunks(
          path,
          [this](std::string_view chunk) {
            std::lock_guard<std::mutex> g(m);
            if (!chunk.empty()) pieces.push_back(std::chrono::steady_clock::now());
            text.append(chunk);
            cv.notify_all();
            return true;
          },
          &ct, &stop);
      std::lock_guard<std::mutex> g(m);
      status = st;
      content_type = ct;
      cv.notify_all();
    });
  }
  ~log_follower() {
    stop = true;
    t.join();
  }
  log_follower(const log_follower&) = delete;
  log_follower& operator=(const log_follower&) = delete;

  // `pred` runs under the lock.
  bool wait(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> g(m);
    return cv.wait_for(g, timeout, pred);
  }
  bool wait_text(const std::string& want, std::chrono::milliseconds timeout) {
    return wait([&] { return text == want; }, timeout);
  }
  bool wait_end(std::chrono::milliseconds timeout) {
    return wait([&] { return status != -1; }, timeout);
  }
  std::string read() {
    std::lock_guard<std::mutex> g(m);
    return text;
  }
};

}  // namespace brokkr::test
