#include "rendered.hpp"

#include "tests/support/process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace brokkr::deploy_test {

using test::find_kubectl;

namespace fs = std::filesystem;

namespace {

std::string slurp_fd(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (node.IsSequence()) {
    std::string joined;
    for (const auto& item : node) joined += (joined.empty() ? "" : ",") + str(item);
    out[prefix] = joined;
  } else if (node.IsScalar()) {
    out[prefix] = node.as<std::string>();
  }
}

overlay render_overlay(const std::string& kubectl, const fs::path& dir) {
  overlay o;
  o.dir = dir;
  o.name = dir.filename().string();
  o.app = dir.parent_path().parent_path().filename().string();
  o.render = run({kubectl, "kustomize", dir.string()});
  if (o.render.exit_code != 0) return o;
  try {
    for (auto& doc : YAML::LoadAll(o.render.out))
      if (doc.IsMap()) o.objects.push_back(doc);
  } catch (const std::exception& e) {
    o.parse_error = e.what();
  }
  return o;
}

}  // namespace

command_result run(const std::vector<std::string>& argv, const std::vector<std::string>& env, bool clean_env) {
  command_result r;
  int out_pipe[2];
  if (::pipe(out_pipe) != 0) return r;
  char err_path[] = "/tmp/brokkr-deploy-test-XXXXXX";
  const int err_fd = ::mkstemp(err_path);
  if (err_fd < 0) return r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_fd, 2);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_fd);
    if (clean_env) ::clearenv();
    if (clean_env) ::setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  r.out = slurp_fd(out_pipe[0]);
  ::close(out_pipe[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ::lseek(err_fd, 0, SEEK_SET);
  r.err = slurp_fd(err_fd);
  ::close(err_fd);
  ::unlink(err_path);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

fs::path source_dir() {
  const char* s = std::getenv("BROKKR_SOURCE_DIR");
  return s ? fs::path(s) : fs::current_path();
}

std::vector<fs::path> discover_overlays(const fs::path& deploy_dir) {
  std::vector<fs::path> found;
  if (!fs::is_directory(deploy_dir)) return found;
  for (const auto& app : fs::directory_iterator(deploy_dir)) {
    const auto overlays_dir = app.path() / "overlays";
    if (!fs::is_directory(overlays_dir)) continue;
    for (const auto& o : fs::directory_iterator(overlays_dir))
      if (fs::exists(o.path() / "kustomization.yaml")) found.push_back(o.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

const std::vector<overlay>& overlays() {
  static const std::vector<overlay> all = [] {
    std::vector<overlay> v;
    const auto kubectl = find_kubectl();
    if (kubectl.empty()) return v;
    for (const auto& dir : discover_overlays(source_dir() / "deploy")) v.push_back(render_overlay(kubectl, dir));
    return v;
  }();
  BOOST_REQUIRE_MESSAGE(!find_kubectl().empty(),
                        "kubectl not found (looked at $BROKKR_KUBECTL, PATH and /usr/bin/kubectl): this test renders "
                        "deploy/*/overlays/* with `kubectl kustomize` and needs kubectl 1.27 or newer");
  return all;
}

std::vector<YAML::Node> overlay::of_kind(const std::string& kind) const {
  std::vector<YAML::Node> v;
  for (const auto& o : objects)
    if (str(o["kind"]) == kind) v.push_back(o);
  return v;
}

std::optional<YAML::Node> overlay::find(const std::string& kind, const std::string& name) const {
  for (const auto& o : objects)
    if (str(o["kind"]) == kind && name_of(o) == name) return o;
  return std::nullopt;
}

std::optional<YAML::Node> overlay::find_in(const std::string& kind, const std::string& name,
                                           const std::string& ns) const {
  for (const auto& o : objects)
    if (str(o["kind"]) == kind && name_of(o) == name && namespace_of(o) == ns) return o;
  return std::nullopt;
}

YAML::Node dig(const YAML::Node& n, std::initializer_list<std::string> keys) {
  // Rebinding with reset(): yaml-cpp's operator= would overwrite the referenced node's contents.
  YAML::Node cur;
  cur.reset(n);
  for (const auto& k : keys) {
    if (!cur.IsDefined() || !cur.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& view = cur;
    const YAML::Node next = view[k];
    if (!next.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
    cur.reset(next);
  }
  return cur;
}

std::string str(const YAML::Node& n) { return n && n.IsScalar() ? n.as<std::string>() : ""; }
std::string name_of(const YAML::Node& obj) { return str(dig(obj, {"metadata", "name"})); }
std::string namespace_of(const YAML::Node& obj) { return str(dig(obj, {"metadata", "namespace"})); }

std::optional<YAML::Node> container(const YAML::Node& deployment, const std::string& name) {
  for (const auto& c : dig(deployment, {"spec", "template", "spec", "containers"}))
    if (str(c["name"]) == name) return c;
  return std::nullopt;
}

std::string env_name_for(const std::string& flag) {
  std::string out = "BROKKR_";
  for (char c : flag)
    out += (c == '-' || c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

int port_of(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) return 0;
  try {
    return std::stoi(host_port.substr(colon + 1));
  } catch (...) {
    return 0;
  }
}

std::string effective_config::get(const std::string& file_key, const std::string& env_name) const {
  if (auto e = env.find(env_name); e != env.end()) return e->second;
  if (auto f = file.find(file_key); f != file.end()) return f->second;
  return "";
}

std::string effective_config::flag(const std::string& flag_name) const { return get(flag_name, env_name_for(flag_name)); }

std::optional<mounted_file> volume_for(const YAML::Node& deployment, const YAML::Node& c, const std::string& path) {
  std::string best_mount, best_volume;
  for (const auto& m : c["volumeMounts"]) {
    auto mp = str(m["mountPath"]);
    while (mp.size() > 1 && mp.back() == '/') mp.pop_back();
    if (path.rfind(mp + "/", 0) == 0 && mp.size() > best_mount.size()) {
      best_mount = mp;
      best_volume = str(m["name"]);
    }
  }
  if (best_volume.empty()) return std::nullopt;
  for (const auto& v : dig(deployment, {"spec", "template", "spec", "volumes"}))
    if (str(v["name"]) == best_volume) return mounted_file{v, path.substr(best_mount.size() + 1)};
  return std::nullopt;
}

effective_config config_of(const overlay& o, const YAML::Node& deployment, const YAML::Node& c) {
  effective_config cfg;
  for (const auto& e : c["env"]) {
    if (e["value"]) cfg.env[str(e["name"])] = str(e["value"]);
    else if (e["valueFrom"]) cfg.env_from[str(e["name"])] = e["valueFrom"];
  }
  const auto args = c["args"];
  for (size_t i = 0; args && i + 1 < args.size(); ++i)
    if (str(args[i]) == "--config") cfg.config_path = str(args[i + 1]);
  if (cfg.config_path.empty() && cfg.env.count("BROKKR_CONFIG")) cfg.config_path = cfg.env["BROKKR_CONFIG"];
  if (cfg.config_path.empty()) {
    cfg.problem = "no --config argument";
    return cfg;
  }
  const auto mounted = volume_for(deployment, c, cfg.config_path);
  if (!mounted || !mounted->volume["configMap"]) {
    cfg.problem = cfg.config_path + " is not on a mounted ConfigMap";
    return cfg;
  }
  const auto cm_name = str(dig(mounted->volume, {"configMap", "name"}));
  const auto cm = o.find_in("ConfigMap", cm_name, namespace_of(deployment));
  if (!cm) {
    cfg.problem = "ConfigMap " + cm_name + " is not rendered in namespace " + namespace_of(deployment);
    return cfg;
  }
  const auto text = dig((*cm), {"data", mounted->key});
  if (!text) {
    cfg.problem = "ConfigMap " + cm_name + " has no key " + mounted->key;
    return cfg;
  }
  cfg.config_text = str(text);
  try {
    flatten(YAML::Load(cfg.config_text), "", cfg.file);
  } catch (const std::exception& e) {
    cfg.problem = "config file " + cfg.config_path + " is not YAML: " + e.what();
  }
  return cfg;
}

}  // namespace brokkr::deploy_test
