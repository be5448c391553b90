// The broker as every deploy/broker overlay renders it: image, configuration from the ConfigMap plus
// Secrets, probes on the right endpoints and ports, a secured (or explicitly plaintext, dev only) CAF
// port, graceful shutdown inside the grace period, the Service, and a PodDisruptionBudget for replicas.
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "rendered.hpp"

using namespace brokkr::deploy_test;

namespace {

// "25s", "2m", "500ms" -> seconds (rounded down); -1 when malformed.
long long seconds_of(const std::string& d) {
  size_t i = 0;
  while (i < d.size() && std::isdigit(static_cast<unsigned char>(d[i]))) ++i;
  if (i == 0) return -1;
  const long long n = std::stoll(d.substr(0, i));
  const auto unit = d.substr(i);
  if (unit == "ms") return n / 1000;
  if (unit == "s" || unit.empty()) return n;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  return -1;
}

void check_probe(const YAML::Node& c, const char* probe, const std::string& path, const std::string& port_name) {
  BOOST_TEST_CONTEXT(probe) {
    BOOST_TEST(str(dig(c, {probe, "httpGet", "path"})) == path);
    BOOST_TEST(str(dig(c, {probe, "httpGet", "port"})) == port_name);
  }
}

int container_port(const YAML::Node& c, const std::string& name) {
  for (const auto& p : c["ports"])
    if (str(p["name"]) == name) return p["containerPort"].as<int>();
  return 0;
}

// Every broker overlay; there are at least two (dev and production).
template <class F>
void for_each_broker(F check) {
  BOOST_TEST(for_each_deployment("broker", "brokkr-broker", "broker", check) >= 2);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(broker_overlays)

BOOST_AUTO_TEST_CASE(runs_the_broker_image_in_one_container) {
  for_each_broker([](const overlay&, const YAML::Node& d, const YAML::Node& c) {
    BOOST_TEST(dig(d, {"spec", "template", "spec", "containers"}).size() == 1u);
    const auto image = str(c["image"]);
    BOOST_TEST(image.find("brokkr-broker:") != std::string::npos, image);
    BOOST_TEST(str(dig(d, {"spec", "template", "spec", "automountServiceAccountToken"})) == "false",
               "the broker does not use the Kubernetes API");
  });
}

BOOST_AUTO_TEST_CASE(configuration_comes_from_the_configmap_and_secrets) {
  for_each_broker([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    BOOST_TEST_REQUIRE(cfg.problem.empty(), cfg.problem);
    // Secrets only through secretKeyRef: never in the file, never as a literal.
    for (const auto* secret : {"database-url", "admin-key-hash", "tls-key"})
      BOOST_TEST(cfg.file.count(secret) == 0, secret << " must not be in the ConfigMap");
    const std::map<std::string, std::string> from_secret = {{"BROKKR_DATABASE_URL", "database-url"},
                                                            {"BROKKR_ADMIN_KEY_HASH", "admin-key-hash"}};
    std::string secret_name;
    for (const auto& [env, key] : from_secret) {
      BOOST_TEST_CONTEXT(env) {
        BOOST_TEST(cfg.env.count(env) == 0);
        const auto it = cfg.env_from.find(env);
        BOOST_TEST_REQUIRE((it != cfg.env_from.end()), "not set from a Secret");
        const auto ref = it->second["secretKeyRef"];
        BOOST_TEST(str(ref["key"]) == key);
        BOOST_TEST(str(ref["name"]).rfind("brokkr-broker", 0) == 0u, str(ref["name"]));
        BOOST_TEST(str(ref["optional"]) != "true");
        if (secret_name.empty()) secret_name = str(ref["name"]);
        BOOST_TEST(str(ref["name"]) == secret_name, "both keys live in one Secret");
      }
    }
    // Listeners: HTTP and CAF on all interfaces, on the container's named ports.
    BOOST_TEST(cfg.flag("http-listen") == "0.0.0.0:8080");
    BOOST_TEST(port_of(cfg.flag("http-listen")) == container_port(c, "http"));
    BOOST_TEST(port_of(cfg.flag("caf-listen")) == container_port(c, "caf"));
    BOOST_TEST(container_port(c, "caf") == 4222);
    // The admin key file (written only without a hash) is on a writable volume, not the read-only image.
    const auto key_file = cfg.flag("admin-key-file");
    BOOST_TEST(!key_file.empty());
    const auto mount = volume_for(d, c, key_file);
    BOOST_TEST((mount.has_value() && mount->volume["emptyDir"].IsDefined()), key_file << " is not on an emptyDir");
  });
}

BOOST_AUTO_TEST_CASE(probes_hit_healthz_and_readyz_on_the_http_port) {
  for_each_broker([](const overlay&, const YAML::Node& d, const YAML::Node& c) {
    check_probe(c, "livenessProbe", "/healthz", "http");
    check_probe(c, "readinessProbe", "/readyz", "http");
    if (c["startupProbe"]) check_probe(c, "startupProbe", "/healthz", "http");
    const auto ann = dig(d, {"spec", "template", "metadata", "annotations"});
    BOOST_TEST(str(ann["prometheus.io/scrape"]) == "true");
    BOOST_TEST(str(ann["prometheus.io/port"]) == "8080");
    BOOST_TEST(str(ann["prometheus.io/path"]) == "/metrics");
  });
}

BOOST_AUTO_TEST_CASE(caf_port_is_tls_or_explicitly_plaintext_in_dev) {
  for_each_broker([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    const bool tls = !cfg.flag("tls-cert").empty();
    const bool plaintext = cfg.flag("allow-plaintext") == "true";
    // The broker refuses a non-loopback CAF listener without one of the two (broker_config.cpp).
    BOOST_TEST((tls || plaintext), "the broker would refuse to start");
    if (o.production()) BOOST_TEST(tls, "production CAF must use TLS");
    if (tls) {
      for (const auto* f : {"tls-cert", "tls-key", "tls-ca"}) {
        BOOST_TEST_CONTEXT(f) {
          const auto mount = volume_for(d, c, cfg.flag(f));
          BOOST_TEST_REQUIRE(mount.has_value(), cfg.flag(f) << " is not on a volume");
          BOOST_TEST(str(dig(mount->volume, {"secret", "secretName"})) == "brokkr-caf-tls");
        }
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(shutdown_fits_the_grace_period) {
  for_each_broker([](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    const auto shutdown = seconds_of(cfg.flag("shutdown-timeout").empty() ? "10s" : cfg.flag("shutdown-timeout"));
    long long pre_stop = 0;
    const auto cmd = dig(c, {"lifecycle", "preStop", "exec", "command"});
    if (cmd && cmd.size() == 2 && str(cmd[0]).find("sleep") != std::string::npos) pre_stop = std::stoll(str(cmd[1]));
    const auto grace = dig(d, {"spec", "template", "spec", "terminationGracePeriodSeconds"})
                           ? dig(d, {"spec", "template", "spec", "terminationGracePeriodSeconds"}).as<long long>()
                           : 30;
    // preStop, then SIGTERM: in-flight requests get shutdown-timeout, the broker's watchdog 10 s more.
    BOOST_TEST(grace >= pre_stop + shutdown + 10);
  });
}

BOOST_AUTO_TEST_CASE(service_exposes_http_and_caf) {
  for_each_broker([](const overlay& o, const YAML::Node& d, const YAML::Node&) {
    const auto svc = o.find_in("Service", "brokkr-broker", namespace_of(d));
    BOOST_TEST_REQUIRE(svc.has_value());
    std::map<std::string, std::string> ports;
    for (const auto& p : dig((*svc), {"spec", "ports"})) ports[str(p["port"])] = str(p["targetPort"]);
    BOOST_TEST(ports["8080"] == "http");
    BOOST_TEST(ports["4222"] == "caf");
  });
}

BOOST_AUTO_TEST_CASE(replicas_have_a_disruption_budget) {
  for_each_broker([](const overlay& o, const YAML::Node& d, const YAML::Node&) {
    const int replicas = dig(d, {"spec", "replicas"}) ? dig(d, {"spec", "replicas"}).as<int>() : 1;
    if (o.production()) BOOST_TEST(replicas >= 2, "production runs several replicas on one database");
    if (replicas > 1) {
      const auto pdb = o.find_in("PodDisruptionBudget", "brokkr-broker", namespace_of(d));
      BOOST_TEST_REQUIRE(pdb.has_value());
      const auto max_unavailable = str(dig((*pdb), {"spec", "maxUnavailable"}));
      const auto min_available = str(dig((*pdb), {"spec", "minAvailable"}));
      BOOST_TEST((!max_unavailable.empty() || !min_available.empty()));
      if (!min_available.empty() && min_available.find('%') == std::string::npos)
        BOOST_TEST(std::stoi(min_available) < replicas, "a budget that blocks every drain");
      // A rolling update never drops below the requested replicas.
      BOOST_TEST(str(dig(d, {"spec", "strategy", "rollingUpdate", "maxUnavailable"})) == "0");
    }
  });
}

BOOST_AUTO_TEST_SUITE_END()
