// The agent as every deploy/agent overlay renders it: one container (the seed's NFR-001), one replica,
// its key from the Secret, health endpoints, the namespace its builds go to, builder-sa there, and RBAC
// that grants exactly what the agent does: nothing more, no wildcards, nothing cluster-wide.
#include <boost/test/unit_test.hpp>

#include <set>

#include "rendered.hpp"

using namespace brokkr::deploy_test;

namespace {

using verb_set = std::set<std::string>;

const verb_set agent_verbs = {"create", "get", "list", "watch", "patch", "delete"};

// Every agent overlay; there are at least two (dev and production).
template <class F>
void for_each_agent(F check) {
  BOOST_TEST(for_each_deployment("agent", "brokkr-agent", "agent", check) >= 2);
}

// resource -> verbs granted by one Role, per API group ("" is core); fails on wildcards.
std::map<std::string, verb_set> grants(const YAML::Node& role) {
  std::map<std::string, verb_set> out;
  for (const auto& rule : role["rules"]) {
    for (const auto& g : rule["apiGroups"])
      for (const auto& r : rule["resources"])
        for (const auto& v : rule["verbs"]) {
          BOOST_TEST(str(g) != "*");
          BOOST_TEST(str(r) != "*");
          BOOST_TEST(str(v) != "*");
          out[str(g) + "/" + str(r)].insert(str(v));
        }
    BOOST_TEST(!rule["nonResourceURLs"].IsDefined());
    BOOST_TEST(!rule["resourceNames"].IsDefined());
  }
  return out;
}

// The Role bound to the agent's ServiceAccount by a RoleBinding named like it.
std::optional<YAML::Node> bound_role(const overlay& o, const std::string& name, const YAML::Node& agent) {
  const auto rb = o.find("RoleBinding", name);
  if (!rb) return std::nullopt;
  bool binds_agent = false;
  for (const auto& s : (*rb)["subjects"])
    binds_agent = binds_agent || (str(s["kind"]) == "ServiceAccount" && str(s["name"]) == "brokkr-agent" &&
                                  str(s["namespace"]) == namespace_of(agent));
  BOOST_TEST(binds_agent, "RoleBinding " << name << " does not bind the agent's ServiceAccount in " << namespace_of(agent));
  return o.find_in("Role", str(dig((*rb), {"roleRef", "name"})), namespace_of(*rb));
}

std::set<std::string> split(const std::string& list) {
  std::set<std::string> out;
  std::string item;
  for (char ch : list + ",") {
    if (ch == ',') {
      if (!item.empty()) out.insert(item);
      item.clear();
    } else if (ch != ' ') {
      item += ch;
    }
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(agent_overlays)

BOOST_AUTO_TEST_CASE(one_container_one_replica) {
  for_each_agent([](const overlay&, const YAML::Node& d, const YAML::Node& c) {
    const auto pod = dig(d, {"spec", "template", "spec"});
    BOOST_TEST(pod["containers"].size() == 1u, "the agent is a single container (NFR-001)");
    BOOST_TEST(!pod["initContainers"].IsDefined());
    BOOST_TEST(dig(d, {"spec", "replicas"}).as<int>() == 1, "one agent per cluster");
    BOOST_TEST(str(dig(d, {"spec", "strategy", "type"})) == "Recreate", "two pods with one agent key must not overlap");
    BOOST_TEST(str(c["image"]).find("brokkr-agent:") != std::string::npos, str(c["image"]));
    BOOST_TEST(str(pod["serviceAccountName"]) == "brokkr-agent");
    BOOST_TEST(str(pod["automountServiceAccountToken"]) == "true", "in-cluster config needs the token");
  });
}

BOOST_AUTO_TEST_CASE(key_comes_from_the_secret_file) {
  for_each_agent([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    BOOST_TEST_REQUIRE(cfg.problem.empty(), cfg.problem);
    const auto key_file = cfg.flag("key-file");
    BOOST_TEST_REQUIRE(!key_file.empty());
    const auto mount = volume_for(d, c, key_file);
    BOOST_TEST_REQUIRE(mount.has_value(), key_file << " is not on a volume");
    const auto secret = mount->volume["secret"];
    BOOST_TEST(str(secret["secretName"]) == "brokkr-agent-key");
    bool key_mapped = false;
    for (const auto& item : secret["items"]) key_mapped = key_mapped || (str(item["key"]) == "key" && str(item["path"]) == mount->key);
    BOOST_TEST(key_mapped, "Secret key `key` is not the file " << key_file);
    BOOST_TEST(cfg.env.count("BROKKR_KEY") == 0);
    BOOST_TEST(cfg.file.count("key") == 0);
  });
}

BOOST_AUTO_TEST_CASE(health_endpoints_on_the_health_port) {
  for_each_agent([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    BOOST_TEST(cfg.flag("health-listen") == "0.0.0.0:9090");
    int health_port = 0;
    for (const auto& p : c["ports"])
      if (str(p["name"]) == "health") health_port = p["containerPort"].as<int>();
    BOOST_TEST(health_port == port_of(cfg.flag("health-listen")));
    BOOST_TEST(str(dig(c, {"livenessProbe", "httpGet", "path"})) == "/healthz");
    BOOST_TEST(str(dig(c, {"livenessProbe", "httpGet", "port"})) == "health");
    BOOST_TEST(str(dig(c, {"readinessProbe", "httpGet", "path"})) == "/readyz");
    BOOST_TEST(str(dig(c, {"readinessProbe", "httpGet", "port"})) == "health");
    const auto ann = dig(d, {"spec", "template", "metadata", "annotations"});
    BOOST_TEST(str(ann["prometheus.io/scrape"]) == "true");
    BOOST_TEST(str(ann["prometheus.io/port"]) == std::to_string(health_port));
    BOOST_TEST(str(ann["prometheus.io/path"]) == "/metrics");
  });
}

BOOST_AUTO_TEST_CASE(broker_link_matches_the_transport) {
  for_each_agent([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    const auto transport = cfg.flag("transport").empty() ? std::string("caf") : cfg.flag("transport");
    BOOST_TEST((transport == "caf" || transport == "http"), transport);
    const auto url = cfg.flag("broker-url");
    BOOST_TEST((url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0), url);
    if (o.production()) BOOST_TEST(url.rfind("https://", 0) == 0u, "production reaches the broker over HTTPS: " << url);
    if (transport == "caf") {
      BOOST_TEST(port_of(cfg.flag("broker-caf")) > 0, cfg.flag("broker-caf"));
      if (o.production()) {
        for (const auto* f : {"tls-cert", "tls-key", "tls-ca"}) {
          const auto mount = volume_for(d, c, cfg.flag(f));
          BOOST_TEST_REQUIRE(mount.has_value(), f << " is not on a volume");
          BOOST_TEST(str(dig(mount->volume, {"secret", "secretName"})) == "brokkr-caf-tls");
        }
      }
    } else {
      BOOST_TEST(cfg.flag("tls-cert").empty(), "no CAF client certificate with the HTTP transport");
    }
  });
}

BOOST_AUTO_TEST_CASE(builds_go_to_the_namespace_with_rbac_and_builder_sa) {
  for_each_agent([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    const auto build_ns = cfg.flag("namespace");
    BOOST_TEST_REQUIRE(!build_ns.empty(), "the agent's --namespace (BROKKR_NAMESPACE) is not set");
    const auto role = o.find("Role", "brokkr-agent");
    BOOST_TEST_REQUIRE(role.has_value());
    BOOST_TEST(namespace_of(*role) == build_ns, "the Role is not where the agent creates builds");
    const auto sa_name = cfg.get("agent.ephemeral_work.shipwright.service_account", "BROKKR_SERVICE_ACCOUNT");
    BOOST_TEST(sa_name == "builder-sa");
    const auto builder = o.find_in("ServiceAccount", sa_name, build_ns);
    BOOST_TEST_REQUIRE(builder.has_value(), sa_name << " not rendered in " << build_ns);
    BOOST_TEST(str((*builder)["automountServiceAccountToken"]) == "false", "build steps get no API token");
    // builder-sa gets no permissions of its own.
    for (const auto& rb : o.of_kind("RoleBinding"))
      for (const auto& s : rb["subjects"]) BOOST_TEST(str(s["name"]) != "builder-sa");
    // The agent's own ServiceAccount carries no token by default; only its pod mounts one.
    const auto agent_sa = o.find_in("ServiceAccount", "brokkr-agent", namespace_of(d));
    BOOST_TEST_REQUIRE(agent_sa.has_value());
    BOOST_TEST(str((*agent_sa)["automountServiceAccountToken"]) == "false");
  });
}

BOOST_AUTO_TEST_CASE(role_grants_exactly_what_the_agent_does) {
  for_each_agent([](const overlay& o, const YAML::Node& d, const YAML::Node&) {
    BOOST_TEST(o.of_kind("ClusterRole").empty(), "the agent needs nothing cluster-wide");
    BOOST_TEST(o.of_kind("ClusterRoleBinding").empty());
    const auto role = bound_role(o, "brokkr-agent", d);
    BOOST_TEST_REQUIRE(role.has_value(), "Role brokkr-agent is not bound to the agent");
    const auto g = grants(*role);
    const std::map<std::string, verb_set> expected = {
        {"shipwright.io/builds", agent_verbs},
        {"shipwright.io/buildruns", agent_verbs},
        {"/pods", {"get"}},
        {"/pods/log", {"get"}},
    };
    BOOST_TEST((g == expected), "Role brokkr-agent rules differ from builds/buildruns "
                                "create,get,list,watch,patch,delete and pods, pods/log get");
    // Across every Role of the overlay: no secrets, no status subresources, no update, no escalation.
    for (const auto& r : o.of_kind("Role")) {
      BOOST_TEST_CONTEXT("Role " << name_of(r)) {
        for (const auto& [resource, verbs] : grants(r)) {
          BOOST_TEST(resource.find("secrets") == std::string::npos);
          BOOST_TEST(resource.find("/status") == std::string::npos);
          BOOST_TEST(resource.find("rbac.authorization.k8s.io") == std::string::npos);
          for (const auto* v : {"update", "escalate", "bind", "impersonate", "deletecollection"})
            BOOST_TEST(verbs.count(v) == 0, resource << " grants " << v);
        }
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(kubernetes_apply_is_opt_in_with_its_own_role) {
  for_each_agent([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    const auto types = split(cfg.get("agent.ephemeral_work.work_types", "BROKKR_WORK_TYPES"));
    BOOST_TEST(types.count("shipwright-build") == 1);
    const auto role = o.find("Role", "brokkr-agent-kubernetes-apply");
    // The work type is on exactly when its Role is rendered and bound.
    BOOST_TEST(types.count("kubernetes-apply") == (role ? 1u : 0u),
               "work type kubernetes-apply and Role brokkr-agent-kubernetes-apply go together");
    if (!role) return;
    BOOST_TEST(namespace_of(*role) == cfg.flag("namespace"));
    const auto bound = bound_role(o, "brokkr-agent-kubernetes-apply", d);
    BOOST_TEST_REQUIRE(bound.has_value());
    const auto g = grants(*bound);
    const std::map<std::string, verb_set> expected = {{"batch/jobs", agent_verbs}, {"/configmaps", agent_verbs}};
    BOOST_TEST((g == expected));
  });
}

BOOST_AUTO_TEST_CASE(seed_configuration_keys_are_set) {
  for_each_agent([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    for (const auto* key : {"agent.ephemeral_work.enabled", "agent.ephemeral_work.poll_interval_seconds",
                            "agent.ephemeral_work.shipwright.service_account",
                            "agent.ephemeral_work.shipwright.default_timeout",
                            "agent.ephemeral_work.shipwright.build_retention_succeeded",
                            "agent.ephemeral_work.shipwright.build_retention_failed"})
      BOOST_TEST(cfg.file.count(key) == 1, key << " missing from agent.yaml");
    BOOST_TEST(cfg.get("agent.ephemeral_work.enabled", "BROKKR_ENABLED") == "true");
    BOOST_TEST(cfg.flag("kubeconfig").empty(), "in-cluster service account, no kubeconfig");
  });
}

BOOST_AUTO_TEST_SUITE_END()
