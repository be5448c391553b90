#include "agent_node/log_streamer.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include "agent_node/handlers/pod_logs.hpp"
#include "common/log.hpp"
#include "k8s/client.hpp"
#include "k8s/shipwright_status.hpp"

namespace brokkr::agent {
namespace {

using stop_flag = std::shared_ptr<std::atomic<bool>>;

struct stream_job {
  k8s::cluster_config cluster;
  broker_link_actor link;
  log_stream_request req;
  std::string ns;
  std::string buildrun;
  stop_flag stop;
};

// One follow on its own thread. Returns when the container's log ended, nobody reads, the broker
// is unreachable, or a newer request replaced this one.
class follow_run {
 public:
  follow_run(caf::blocking_actor* self, stream_job job) : self_(self), job_(std::move(job)), client_(job_.cluster) {
    offset_ = job_.req.offset;
  }

  void run() {
    auto pod = find_pod();
    if (!pod) return;
    const auto container = container_of(*pod);
    if (!container) return;
    follow(pod->at("metadata").value("name", ""), *container);
  }

 private:
  bool stopped() const { return job_.stop->load(); }

  // Sends one chunk and waits for the broker's answer: false ends the stream.
  bool send(std::string text, bool done, std::string note = {}) {
    log_chunk c{job_.req.work_id, job_.req.step, job_.req.generation, offset_, std::move(text), done, std::move(note)};
    const auto n = static_cast<int64_t>(c.text.size());
    bool go = false;
    self_->request(job_.link, std::chrono::seconds(30), logs_atom::value, std::move(c))
        .receive([&go](bool more) { go = more; }, [](caf::error&) {});
    if (go || done) offset_ += n;
    return go;
  }

  void end(std::string note) {
    if (!stopped()) send({}, true, std::move(note));
  }

  void pause() {
    for (int i = 0; i < 5 && !stopped(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  // The BuildRun's TaskRun pod, once it exists. A run that ended without one has no log.
  std::optional<nlohmann::json> find_pod() {
    // The handler may not have created the BuildRun yet when the request comes (a reader that
    // follows right after the claim): a missing one is waited for, for a minute at most.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (!stopped()) {
      auto br = client_.get(k8s::resources::buildruns, job_.ns, job_.buildrun);
      if (!br) {
        if (k8s::is_not_found(br.error()) && std::chrono::steady_clock::now() > give_up)
          return end("BuildRun " + job_.buildrun + " did not appear within a minute"), std::nullopt;
      } else if (auto status = k8s::shipwright::read_buildrun_status(*br); status && !status->executor_name.empty()) {
        // Tekton names a TaskRun's pod <taskrun>-pod.
        if (auto pod = client_.get(k8s::resources::pods, job_.ns, status->executor_name + "-pod")) return *pod;
        if (k8s::shipwright::is_done(*status)) return end("the run ended and its pod is gone"), std::nullopt;
      } else if (status && k8s::shipwright::is_done(*status)) {
        return end("the run ended before its pod started"), std::nullopt;
      }
      pause();
    }
    return std::nullopt;
  }

  std::optional<std::string> container_of(const nlohmann::json& pod) {
    if (job_.req.step.empty()) return build_step_container(pod);
    const auto wanted = "step-" + job_.req.step;
    std::string steps;
    for (const auto& c : pod["spec"].value("containers", nlohmann::json::array())) {
      const auto name = c.value("name", "");
      if (name == wanted) return name;
      if (name.rfind("step-", 0) == 0) steps += (steps.empty() ? "" : ", ") + name.substr(5);
    }
    end("the run has no step " + job_.req.step + " (its steps: " + steps + ")");
    return std::nullopt;
  }

  void follow(const std::string& pod, const std::string& container) {
    k8s::log_options opts;
    opts.container = container;
    // An empty first chunk tells the broker the stream is on, however long the step stays quiet.
    if (stopped() || !send({}, false)) return;
    while (!stopped()) {
      int64_t seen = 0;  // bytes of this follow; a resumed stream skips what the broker has
      bool reader_gone = false;
      auto res = client_.follow_logs(
          job_.ns, pod, opts,
          [&](std::string_view bytes) {
            const auto skip = std::clamp<int64_t>(offset_ - seen, 0, static_cast<int64_t>(bytes.size()));
            seen += static_cast<int64_t>(bytes.size());
            bytes.remove_prefix(static_cast<size_t>(skip));
            while (!bytes.empty()) {
              const auto piece = bytes.substr(0, max_log_chunk);
              bytes.remove_prefix(piece.size());
              if (!send(std::string(piece), false)) return !(reader_gone = true);
            }
            return true;
          },
          *job_.stop);
      if (reader_gone || stopped()) return;
      if (res && *res == k8s::watch_end::server_closed) return end({});
      if (!res) {
        const auto& e = res.error();
        if (k8s::is_not_found(e)) return end("the pod " + pod + " is gone");
        // 400 while the container waits to start, 0 for a transport hiccup: look again shortly.
        if (e.code != 400 && e.code != 0) return end("the pod's log cannot be read: " + e.message);
      }
      pause();
    }
  }

  caf::blocking_actor* self_;
  stream_job job_;
  k8s::client client_;
  int64_t offset_ = 0;
};

struct streamer_state {
  static inline const char* name = "log_streamer";
  k8s::cluster_config cluster;
  broker_link_actor link;
  std::map<std::string, stop_flag> running;  // work id NUL step
};

using self_ptr = log_streamer_actor::stateful_pointer<streamer_state>;

log_streamer_actor::behavior_type streamer(self_ptr self, k8s::cluster_config cluster, broker_link_actor link) {
  self->state.cluster = std::move(cluster);
  self->state.link = std::move(link);
  // Whatever ends this actor (the agent stopping) ends every follow with it.
  self->attach_functor([self] {
    for (auto& [key, stop] : self->state.running) stop->store(true);
  });
  return {
      [self](logs_atom, log_stream_request& req, std::string& ns, std::string& buildrun) {
        auto& st = self->state;
        auto& slot = st.running[req.work_id + '\0' + req.step];
        if (slot) slot->store(true);
        slot = std::make_shared<std::atomic<bool>>(false);
        stream_job job{st.cluster, st.link, std::move(req), std::move(ns), std::move(buildrun), slot};
        self->system().spawn<caf::detached>([job = std::move(job)](caf::blocking_actor* b) mutable {
          follow_run(b, std::move(job)).run();
        });
        // Follows that ended left their flag with this map alone.
        std::erase_if(st.running, [](const auto& kv) { return kv.second.use_count() == 1; });
      },
      [self](logend_atom, log_stream_request& req, std::string& note) {
        log_chunk c{req.work_id, req.step, req.generation, req.offset, {}, true, std::move(note)};
        self->request(self->state.link, std::chrono::seconds(30), logs_atom::value, std::move(c))
            .then([](bool) {}, [](caf::error&) {});
      },
  };
}

}  // namespace

log_streamer_actor spawn_log_streamer(caf::actor_system& sys, k8s::cluster_config cluster, broker_link_actor link) {
  return sys.spawn(streamer, std::move(cluster), std::move(link));
}

}  // namespace brokkr::agent
