#pragma once
// Every Kustomize overlay under deploy/, rendered once by the machine's `kubectl kustomize` and parsed
// with yaml-cpp, plus the lookups the checks share (objects by kind and name, a container's effective
// configuration: its --config file from the rendered ConfigMap overlaid by its literal BROKKR_* env).
#include <boost/test/unit_test.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace brokkr::deploy_test {

struct command_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (no shell) with `env` (NAME=value) added; with clean_env the child sees only PATH and env.
command_result run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                   bool clean_env = false);


std::filesystem::path source_dir();  // $BROKKR_SOURCE_DIR (set by brokkr_add_test)

struct overlay {
  std::string app;    // "broker" or "agent": deploy/<app>/overlays/<name>
  std::string name;   // "dev", "production", ...
  std::filesystem::path dir;
  command_result render;             // the kubectl run
  std::vector<YAML::Node> objects;   // the rendered documents
  std::string parse_error;

  bool production() const { return name.rfind("production", 0) == 0; }
  std::string label() const { return app + "/overlays/" + name; }
  std::vector<YAML::Node> of_kind(const std::string& kind) const;
  // The single object of `kind` named `name` (in any namespace); nullopt when absent.
  std::optional<YAML::Node> find(const std::string& kind, const std::string& name) const;
  // A rendered ConfigMap or Secret is referenced by its final (possibly hash-suffixed) name.
  std::optional<YAML::Node> find_in(const std::string& kind, const std::string& name, const std::string& ns) const;
};

// Directories deploy/*/overlays/* holding a kustomization.yaml, sorted.
std::vector<std::filesystem::path> discover_overlays(const std::filesystem::path& deploy_dir);

// All overlays, rendered on first use. Fails the calling test if kubectl is missing.
const std::vector<overlay>& overlays();

std::string str(const YAML::Node& n);  // scalar text, "" when absent or not a scalar
// n[k1][k2]...: an undefined node (never a throw) when any step is missing. yaml-cpp throws InvalidNode
// when a missing key is indexed again, so every lookup deeper than one level goes through this.
YAML::Node dig(const YAML::Node& n, std::initializer_list<std::string> keys);
std::string name_of(const YAML::Node& obj);
std::string namespace_of(const YAML::Node& obj);

// The one container of a Deployment's pod template with that name (nullopt when absent).
std::optional<YAML::Node> container(const YAML::Node& deployment, const std::string& name);

// Effective configuration of a Brokkr container: the YAML file given by `--config PATH`, read from the
// ConfigMap mounted at PATH's directory and flattened to dotted keys, with literal env values on top.
struct effective_config {
  std::string config_path;                    // --config argument
  std::string config_text;                    // the file as mounted
  std::map<std::string, std::string> file;    // dotted key -> scalar (lists joined with ',')
  std::map<std::string, std::string> env;     // literal env values
  std::map<std::string, YAML::Node> env_from; // env with valueFrom
  std::string problem;                        // why the file could not be resolved

  // env var wins over the file key (the binaries' precedence); "" when neither is set.
  std::string get(const std::string& file_key, const std::string& env_name) const;
  // For a plain flag: file key = flag name, env = BROKKR_<FLAG>.
  std::string flag(const std::string& flag_name) const;
};
effective_config config_of(const overlay& o, const YAML::Node& deployment, const YAML::Node& container);

std::string env_name_for(const std::string& flag);  // BROKKR_ + upper case, '-' and '.' as '_'

// "0.0.0.0:8080" -> 8080; 0 when malformed.
int port_of(const std::string& host_port);

// The pod template's volume mounted at the longest mountPath that is a prefix of `path`.
struct mounted_file {
  YAML::Node volume;   // the pod volume
  std::string key;     // path relative to the mount
};
std::optional<mounted_file> volume_for(const YAML::Node& deployment, const YAML::Node& container,
                                       const std::string& path);

// Calls check(overlay, deployment, container) for every overlay of `app` (in a test context naming the
// overlay), after requiring that it rendered and contains the Deployment and its container.
// Returns how many overlays were checked.
template <class F>
int for_each_deployment(const std::string& app, const std::string& deployment, const std::string& container_name,
                        F check) {
  int seen = 0;
  for (const auto& o : overlays()) {
    if (o.app != app) continue;
    ++seen;
    BOOST_TEST_CONTEXT(o.label()) {
      BOOST_TEST_REQUIRE(o.render.exit_code == 0, "kubectl kustomize failed: " << o.render.err);
      const auto d = o.find("Deployment", deployment);
      BOOST_TEST_REQUIRE(d.has_value(), "Deployment " << deployment << " not rendered");
      const auto c = container(*d, container_name);
      BOOST_TEST_REQUIRE(c.has_value(), "container " << container_name << " missing");
      check(o, *d, *c);
    }
  }
  return seen;
}

}  // namespace brokkr::deploy_test
