// Checks that hold for every overlay, broker or agent: it renders, its objects are well formed and
// complete (every reference resolves inside the render or names a documented external Secret), its
// pods are hardened, and production overlays carry no credentials.
#include <boost/test/unit_test.hpp>

#include <set>

#include "rendered.hpp"

using namespace brokkr::deploy_test;

namespace {

// Secrets an operator creates out of band (docs/deployment.md), with the keys the manifests may use.
const std::map<std::string, std::set<std::string>> external_secrets = {
    {"brokkr-broker", {"database-url", "admin-key-hash"}},
    {"brokkr-caf-tls", {"tls.crt", "tls.key", "ca.crt"}},
    {"brokkr-agent-key", {"key"}},
};

const std::set<std::string> cluster_scoped = {"Namespace", "ClusterRole", "ClusterRoleBinding",
                                              "CustomResourceDefinition", "PriorityClass", "StorageClass"};

bool has_key(const YAML::Node& secret, const std::string& key) {
  return dig(secret, {"data", key}) || dig(secret, {"stringData", key});
}

// A Secret reference resolves to a rendered Secret with that key, or to a documented external one.
void check_secret_ref(const overlay& o, const std::string& ns, const std::string& name, const std::string& key,
                      const std::string& where) {
  BOOST_TEST_CONTEXT(where << ": Secret " << name << " key " << key) {
    if (auto s = o.find_in("Secret", name, ns)) {
      BOOST_TEST(has_key(*s, key));
      return;
    }
    const auto ext = external_secrets.find(name);
    BOOST_TEST((ext != external_secrets.end()), "neither rendered nor a documented external Secret");
    if (ext != external_secrets.end()) BOOST_TEST(ext->second.count(key) == 1, "key not documented for " << name);
  }
}

bool selector_matches(const YAML::Node& selector, const YAML::Node& labels) {
  if (!selector || !selector.IsMap() || selector.size() == 0) return false;
  for (const auto& kv : selector)
    if (str(labels[kv.first.as<std::string>()]) != kv.second.as<std::string>()) return false;
  return true;
}

bool brokkr_component(const YAML::Node& deployment) {
  const auto c = str(dig(deployment, {"metadata", "labels", "app.kubernetes.io/component"}));
  return c == "broker" || c == "agent";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(every_overlay)

BOOST_AUTO_TEST_CASE(is_discovered) {
  const auto found = discover_overlays(source_dir() / "deploy");
  std::set<std::string> names;
  for (const auto& p : found) names.insert(p.parent_path().parent_path().filename().string() + "/" + p.filename().string());
  // The documented overlays (docs/deployment.md); any other overlay is picked up and checked as well.
  for (const auto* expected : {"broker/dev", "broker/production", "agent/dev", "agent/production", "agent/production-http"})
    BOOST_TEST(names.count(expected) == 1, "overlay " << expected << " missing under deploy/");
}

BOOST_AUTO_TEST_CASE(renders_with_kubectl_kustomize) {
  const auto& all = overlays();
  BOOST_TEST_REQUIRE(!all.empty());
  for (const auto& o : all) {
    BOOST_TEST_CONTEXT(o.label()) {
      BOOST_TEST(o.render.exit_code == 0, "kubectl kustomize " << o.dir.string() << " failed: " << o.render.err);
      BOOST_TEST(o.parse_error.empty(), "rendered YAML does not parse: " << o.parse_error);
      BOOST_TEST(!o.objects.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(objects_are_well_formed_and_namespaced) {
  for (const auto& o : overlays()) {
    BOOST_TEST_CONTEXT(o.label()) {
      std::set<std::string> seen, namespaces;
      for (const auto& ns : o.of_kind("Namespace")) namespaces.insert(name_of(ns));
      for (const auto& obj : o.objects) {
        const auto kind = str(obj["kind"]);
        const auto id = kind + " " + namespace_of(obj) + "/" + name_of(obj);
        BOOST_TEST_CONTEXT(id) {
          BOOST_TEST(!str(obj["apiVersion"]).empty());
          BOOST_TEST(!name_of(obj).empty());
          BOOST_TEST(seen.insert(id).second, "rendered twice");
          const auto& labels = dig(obj, {"metadata", "labels"});
          BOOST_TEST(str(labels["app.kubernetes.io/part-of"]) == "brokkr");
          BOOST_TEST(!str(labels["app.kubernetes.io/version"]).empty(), "the overlay sets app.kubernetes.io/version");
          if (kind != "Namespace") BOOST_TEST(!str(labels["app.kubernetes.io/name"]).empty());
          if (cluster_scoped.count(kind)) {
            BOOST_TEST(namespace_of(obj).empty());
          } else {
            // Every namespaced object has an explicit namespace that the overlay itself creates.
            BOOST_TEST(!namespace_of(obj).empty());
            BOOST_TEST(namespaces.count(namespace_of(obj)) == 1, "namespace not rendered by the overlay");
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(references_resolve) {
  for (const auto& o : overlays()) {
    BOOST_TEST_CONTEXT(o.label()) {
      for (const auto& d : o.of_kind("Deployment")) {
        const auto ns = namespace_of(d);
        const auto pod = dig(d, {"spec", "template", "spec"});
        const auto where = "Deployment " + name_of(d);
        BOOST_TEST_CONTEXT(where) {
          BOOST_TEST(selector_matches(dig(d, {"spec", "selector", "matchLabels"}), dig(d, {"spec", "template", "metadata", "labels"})));
          std::set<std::string> volumes;
          for (const auto& v : pod["volumes"]) {
            volumes.insert(str(v["name"]));
            if (v["configMap"]) {
              BOOST_TEST(o.find_in("ConfigMap", str(dig(v, {"configMap", "name"})), ns).has_value(),
                         "ConfigMap " << str(dig(v, {"configMap", "name"})) << " not rendered");
            }
            if (v["secret"]) {
              const auto secret = str(dig(v, {"secret", "secretName"}));
              if (dig(v, {"secret", "items"})) {
                for (const auto& item : dig(v, {"secret", "items"})) check_secret_ref(o, ns, secret, str(item["key"]), where);
              } else if (!o.find_in("Secret", secret, ns)) {
                BOOST_TEST(external_secrets.count(secret) == 1, "Secret " << secret << " neither rendered nor documented");
              }
            }
          }
          if (const auto sa = str(pod["serviceAccountName"]); !sa.empty())
            BOOST_TEST(o.find_in("ServiceAccount", sa, ns).has_value(), "ServiceAccount " << sa << " not rendered");
          for (const auto& c : pod["containers"]) {
            for (const auto& m : c["volumeMounts"])
              BOOST_TEST(volumes.count(str(m["name"])) == 1, "volumeMount " << str(m["name"]) << " has no volume");
            for (const auto& e : c["env"]) {
              if (const auto ref = dig(e, {"valueFrom", "secretKeyRef"}))
                check_secret_ref(o, ns, str(ref["name"]), str(ref["key"]), where + " env " + str(e["name"]));
              if (const auto ref = dig(e, {"valueFrom", "configMapKeyRef"}))
                BOOST_TEST(o.find_in("ConfigMap", str(ref["name"]), ns).has_value());
            }
            // Named probe ports exist on the container.
            std::set<std::string> ports;
            for (const auto& p : c["ports"]) ports.insert(str(p["name"]));
            for (const auto* probe : {"startupProbe", "livenessProbe", "readinessProbe"}) {
              const auto port = str(dig(c, {probe, "httpGet", "port"}));
              if (!port.empty() && !std::isdigit(static_cast<unsigned char>(port[0])))
                BOOST_TEST(ports.count(port) == 1, probe << " port " << port << " is not a container port");
            }
          }
        }
      }
      for (const auto& s : o.of_kind("Service")) {
        BOOST_TEST_CONTEXT("Service " << name_of(s)) {
          bool matched = false;
          for (const auto& d : o.of_kind("Deployment")) {
            if (namespace_of(d) != namespace_of(s) ||
                !selector_matches(dig(s, {"spec", "selector"}), dig(d, {"spec", "template", "metadata", "labels"})))
              continue;
            matched = true;
            for (const auto& p : dig(s, {"spec", "ports"})) {
              const auto target = str(p["targetPort"]);
              bool found = false;
              for (const auto& c : dig(d, {"spec", "template", "spec", "containers"}))
                for (const auto& cp : c["ports"])
                  found = found || str(cp["name"]) == target || str(cp["containerPort"]) == target;
              BOOST_TEST(found, "targetPort " << target << " is not a port of " << name_of(d));
            }
          }
          BOOST_TEST(matched, "selector matches no Deployment's pods");
        }
      }
      for (const auto& pdb : o.of_kind("PodDisruptionBudget")) {
        bool matched = false;
        for (const auto& d : o.of_kind("Deployment"))
          matched = matched || selector_matches(dig(pdb, {"spec", "selector", "matchLabels"}), dig(d, {"spec", "template", "metadata", "labels"}));
        BOOST_TEST(matched, "PodDisruptionBudget " << name_of(pdb) << " selects no pods");
      }
      for (const auto& rb : o.of_kind("RoleBinding")) {
        BOOST_TEST_CONTEXT("RoleBinding " << namespace_of(rb) << "/" << name_of(rb)) {
          BOOST_TEST(str(dig(rb, {"roleRef", "kind"})) == "Role", "bind namespaced Roles only");
          BOOST_TEST(o.find_in("Role", str(dig(rb, {"roleRef", "name"})), namespace_of(rb)).has_value(),
                     "Role " << str(dig(rb, {"roleRef", "name"})) << " not rendered in the binding's namespace");
          for (const auto& s : rb["subjects"]) {
            BOOST_TEST(str(s["kind"]) == "ServiceAccount");
            BOOST_TEST(o.find_in("ServiceAccount", str(s["name"]), str(s["namespace"])).has_value(),
                       "subject " << str(s["namespace"]) << "/" << str(s["name"]) << " not rendered");
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(pods_are_hardened) {
  for (const auto& o : overlays()) {
    BOOST_TEST_CONTEXT(o.label()) {
      for (const auto& d : o.of_kind("Deployment")) {
        BOOST_TEST_CONTEXT("Deployment " << name_of(d)) {
          const auto pod = dig(d, {"spec", "template", "spec"});
          const auto psc = pod["securityContext"];
          BOOST_TEST(str(psc["runAsNonRoot"]) == "true");
          BOOST_TEST(str(dig(psc, {"seccompProfile", "type"})) == "RuntimeDefault");
          BOOST_TEST(!pod["hostNetwork"].IsDefined());
          BOOST_TEST(!pod["hostPID"].IsDefined());
          for (const auto& c : pod["containers"]) {
            BOOST_TEST_CONTEXT("container " << str(c["name"])) {
              const auto sc = c["securityContext"];
              BOOST_TEST(str(sc["allowPrivilegeEscalation"]) == "false");
              BOOST_TEST(str(sc["privileged"]) != "true");
              bool drops_all = false;
              for (const auto& cap : dig(sc, {"capabilities", "drop"})) drops_all = drops_all || str(cap) == "ALL";
              BOOST_TEST(drops_all, "capabilities.drop must contain ALL");
              BOOST_TEST(!dig(sc, {"capabilities", "add"}).IsDefined());
              BOOST_TEST(!str(dig(c, {"resources", "requests", "cpu"})).empty());
              BOOST_TEST(!str(dig(c, {"resources", "requests", "memory"})).empty());
              BOOST_TEST(!str(dig(c, {"resources", "limits", "memory"})).empty());
              const auto image = str(c["image"]);
              const auto tag_at = image.rfind(':');
              const auto slash = image.rfind('/');
              const bool tagged = tag_at != std::string::npos && (slash == std::string::npos || tag_at > slash);
              BOOST_TEST(tagged, "image " << image << " has no tag");
              if (tagged) BOOST_TEST(image.substr(tag_at + 1) != "latest", "image " << image);
              if (brokkr_component(d)) {
                BOOST_TEST(str(sc["readOnlyRootFilesystem"]) == "true");
                BOOST_TEST(str(psc["runAsUser"]) != "", "numeric user, so runAsNonRoot can be verified");
                BOOST_TEST(str(psc["runAsUser"]) != "0");
              }
            }
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(production_keeps_credentials_out_of_git) {
  for (const auto& o : overlays()) {
    if (!o.production()) continue;
    BOOST_TEST_CONTEXT(o.label()) {
      BOOST_TEST(o.of_kind("Secret").empty(), "production Secrets are created out of band, never rendered from git");
      for (const auto& d : o.of_kind("Deployment")) {
        for (const auto& c : dig(d, {"spec", "template", "spec", "containers"}))
          for (const auto& e : c["env"]) {
            const auto n = str(e["name"]);
            const bool sensitive = n.find("KEY_HASH") != std::string::npos || n.find("DATABASE_URL") != std::string::npos ||
                                   n.find("PASSWORD") != std::string::npos;
            if (sensitive) BOOST_TEST(!e["value"].IsDefined(), n << " must come from a Secret");
          }
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
