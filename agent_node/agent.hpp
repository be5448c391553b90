#pragma once
// brokkr-agent's composition root: the Kubernetes pool and informers, the broker link (CAF or
// HTTP), the dispatcher, and the health port.
#include <memory>

#include "agent_node/agent_config.hpp"
#include "common/expected.hpp"

namespace brokkr::agent {

class agent {
 public:
  explicit agent(agent_settings s);
  ~agent();
  agent(const agent&) = delete;
  agent& operator=(const agent&) = delete;

  status<std::string> start();
  void stop();
  uint16_t health_port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace brokkr::agent
