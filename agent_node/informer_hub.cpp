#include "agent_node/informer_hub.hpp"

#include <caf/all.hpp>

#include <map>

#include "common/log.hpp"
#include "k8s/reflector.hpp"

namespace brokkr::agent {
namespace {

struct informer {
  std::shared_ptr<std::atomic<bool>> stop = std::make_shared<std::atomic<bool>>(false);
  caf::actor runner;
  bool synced = false;
  std::map<std::string, std::shared_ptr<const nlohmann::json>> objects;  // by name
  std::multimap<std::string, caf::actor> subscribers;                    // by object name
};

struct hub_state {
  static inline const char* name = "informer_hub";
  k8s::cluster_config cluster;
  std::map<std::string, informer> informers;
};

using hub_ptr = informer_hub_actor::stateful_pointer<hub_state>;

std::string key_of(const watch_target& t) {
  return t.resource.api_version() + "/" + t.resource.plural + "@" + t.namespace_name;
}

// Runs one reflector until `stop`; blocks, hence detached.
caf::behavior reflector_runner(caf::event_based_actor* self, k8s::cluster_config cluster, k8s::resource res,
                               std::string ns, std::string key, std::shared_ptr<std::atomic<bool>> stop,
                               informer_hub_actor hub) {
  self->send(self, caf::ok_atom::value);
  return {
      [=](caf::ok_atom) {
        k8s::client c{cluster};
        k8s::reflector_options opts;
        opts.label_selector = work_id_label;
        opts.on_error = [key](const k8s::api_status& st) {
          log::warn("informer", key, ": ", st.reason.empty() ? "error" : st.reason, ": ", st.message, " (retrying)");
        };
        k8s::reflector r{c, res, ns, opts};
        auto result = r.run(
            [&](const k8s::reflector_event& e) {
              std::string name;
              if (e.object.is_object()) name = e.object["metadata"].value("name", "");
              caf::anon_send(hub, informer_update{key, static_cast<int>(e.type), name,
                                                  e.object.is_null() ? nullptr : std::make_shared<const nlohmann::json>(e.object)});
              return true;
            },
            *stop);
        if (!result) log::error("informer", key, " stopped: ", result.error().reason, ": ", result.error().message);
        self->quit();
      },
  };
}

void notify(hub_ptr self, informer& inf, const std::string& name) {
  auto it = inf.objects.find(name);
  const auto object = it == inf.objects.end() ? nullptr : it->second;
  auto range = inf.subscribers.equal_range(name);
  for (auto s = range.first; s != range.second; ++s) caf::anon_send(s->second, observed{name, object});
  static_cast<void>(self);
}

informer_hub_actor::behavior_type hub(hub_ptr self, k8s::cluster_config cluster) {
  self->state.cluster = std::move(cluster);
  self->set_down_handler([self](caf::down_msg& dm) {
    for (auto& [key, inf] : self->state.informers)
      for (auto it = inf.subscribers.begin(); it != inf.subscribers.end();)
        it = it->second.address() == dm.source ? inf.subscribers.erase(it) : std::next(it);
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [key, inf] : self->state.informers) {
      *inf.stop = true;
      self->send_exit(inf.runner, em.reason);
    }
    self->quit(em.reason);
  });
  return {
      [self](observe_atom, watch_target& t, caf::actor& subscriber) {
        const auto key = key_of(t);
        auto [it, fresh] = self->state.informers.try_emplace(key);
        auto& inf = it->second;
        if (fresh)
          inf.runner = self->system().spawn<caf::detached>(reflector_runner, self->state.cluster, t.resource, t.namespace_name,
                                                           key, inf.stop, informer_hub_actor{self});
        self->monitor(subscriber);
        inf.subscribers.emplace(t.name, subscriber);
        if (inf.synced || inf.objects.count(t.name))
          caf::anon_send(subscriber, observed{t.name, inf.objects.count(t.name) ? inf.objects[t.name] : nullptr});
      },
      [self](informer_update& u) {
        auto it = self->state.informers.find(u.informer);
        if (it == self->state.informers.end()) return;
        auto& inf = it->second;
        switch (static_cast<k8s::reflector_event_type>(u.type)) {
          case k8s::reflector_event_type::added:
          case k8s::reflector_event_type::modified:
            inf.objects[u.name] = u.object;
            return notify(self, inf, u.name);
          case k8s::reflector_event_type::deleted:
            inf.objects.erase(u.name);
            return notify(self, inf, u.name);
          case k8s::reflector_event_type::synced:
            inf.synced = true;
            // Level-based: whoever waits for an object the list did not have learns it is absent.
            for (auto s = inf.subscribers.begin(); s != inf.subscribers.end(); ++s)
              if (!inf.objects.count(s->first)) caf::anon_send(s->second, observed{s->first, nullptr});
            return;
          case k8s::reflector_event_type::bookmark:
            return;
        }
      },
  };
}

}  // namespace

informer_hub_actor spawn_informer_hub(caf::actor_system& sys, k8s::cluster_config cluster) {
  return sys.spawn(hub, std::move(cluster));
}

}  // namespace brokkr::agent
