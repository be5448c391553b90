// Stock kubectl (reference/kubectl-wire.md) against the real brokkr-sim-cluster with the kubeconfig it
// writes: server-side apply, get -o yaml, create, get -o jsonpath, get -w, patch --type merge, delete.
#include <cstdio>
#include <fstream>

#include "sim_fixture.hpp"
#include "sim_process.hpp"
#include "tests/support/process.hpp"

using namespace brokkr::k8s::testing;

namespace {

struct kubectl {
  std::string base;
  std::pair<int, std::string> run(const std::string& args) const {
    const std::string cmd = base + " " + args + " 2>&1";
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return {-1, "popen failed"};
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
  }
  std::string ok(const std::string& args) const {
    auto [code, out] = run(args);
    BOOST_TEST_INFO("kubectl " << args << " -> " << out);
    BOOST_TEST(code == 0);
    return out;
  }
};

std::string write(const std::filesystem::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return (dir / name).string();
}


}  // namespace

BOOST_AUTO_TEST_CASE(stock_kubectl_drives_builds_and_buildruns) {
  const auto kubectl_path = brokkr::test::find_kubectl();
  BOOST_REQUIRE_MESSAGE(!kubectl_path.empty(), "kubectl not found (looked at $BROKKR_KUBECTL, PATH and /usr/bin/kubectl); "
                                               "this test drives the sim with stock kubectl 1.27 or newer");
  sim_process proc({"--tls", "--namespace", "ci", "--default-duration", "1s"});
  const kubectl k{std::string(kubectl_path) + " --kubeconfig " + proc.kubeconfig + " --cache-dir " +
                  (proc.dir / "cache").string() + " --request-timeout 20s"};
  const auto build = write(proc.dir, "build.yaml", R"(apiVersion: shipwright.io/v1beta1
kind: Build
metadata:
  name: app-build
spec:
  source: {type: Git, git: {url: https://git.example.com/org/app, revision: main}, contextDir: svc}
  strategy: {kind: ClusterBuildStrategy, name: buildah-shipwright-managed-push}
  paramValues:
  - {name: dockerfile, value: Dockerfile}
  output: {image: registry.example.com/org/app:1.2.3}
  timeout: 15m
)");
  const auto run = write(proc.dir, "buildrun.yaml", R"(apiVersion: shipwright.io/v1beta1
kind: BuildRun
metadata:
  name: app-build-run-1
spec:
  build: {name: app-build}
)");
  BOOST_TEST(k.ok("apply --server-side -f " + build).find("build.shipwright.io/app-build serverside-applied") !=
             std::string::npos);
  BOOST_TEST(eventually([&] { return k.run("get build app-build -o jsonpath={.status.registered}").second == "True"; }));
  const auto yaml = k.ok("get build app-build -o yaml");
  BOOST_TEST(yaml.find("name: app-build") != std::string::npos);
  BOOST_TEST(yaml.find("registered: \"True\"") != std::string::npos);
  BOOST_TEST(yaml.find("image: registry.example.com/org/app:1.2.3") != std::string::npos);

  const auto marker = write(proc.dir, "marker.yaml", "apiVersion: shipwright.io/v1beta1\nkind: BuildRun\n"
                                                     "metadata: {name: marker}\nspec: {build: {name: no-such-build}}\n");
  k.ok("create -f " + marker);
  // Watch in the background while the BuildRun goes through its states.
  const std::string watch_out = (proc.dir / "watch.out").string();
  pid_t watcher = 0;
  {
    const std::string cmd = "exec " + k.base + " get buildruns -w > " + watch_out + " 2>&1";
    char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"), const_cast<char*>(cmd.c_str()), nullptr};
    BOOST_REQUIRE(posix_spawn(&watcher, "/bin/sh", nullptr, nullptr, argv, environ) == 0);
  }
  // kubectl lists, then watches from the list's resourceVersion: once the marker run is printed, no later
  // event can be missed.
  BOOST_TEST(eventually([&] { return brokkr::test::read_text_file(watch_out).find("marker") != std::string::npos; }));
  BOOST_TEST(k.ok("create -f " + run).find("buildrun.shipwright.io/app-build-run-1 created") != std::string::npos);
  BOOST_TEST(eventually([&] {
    return k.run("get buildrun app-build-run-1 -o jsonpath={.status.conditions[0].status}").second == "True";
  }));
  const auto terminal = k.ok("get buildrun app-build-run-1 -o jsonpath={.status.conditions[0].reason}/{.status.output.digest}");
  BOOST_TEST(terminal.rfind("Succeeded/sha256:", 0) == 0u);
  BOOST_TEST(eventually([&] { return brokkr::test::read_text_file(watch_out).find("Succeeded") != std::string::npos; }));
  ::kill(watcher, SIGTERM);
  ::waitpid(watcher, nullptr, 0);
  const auto transitions = brokkr::test::read_text_file(watch_out);
  BOOST_TEST_INFO("kubectl get buildruns -w printed:\n" << transitions);
  for (const char* reason : {"Started", "Pending", "Running", "Succeeded"})
    BOOST_TEST(transitions.find(reason) != std::string::npos, reason);
  BOOST_TEST(k.ok("get br").find("app-build-run-1") != std::string::npos);  // short name from discovery

  BOOST_TEST(k.ok("patch buildrun app-build-run-1 --type merge -p '{\"metadata\":{\"labels\":{\"reviewed\":\"yes\"}}}'")
                 .find("patched") != std::string::npos);
  BOOST_TEST(k.ok("get buildrun app-build-run-1 -o jsonpath={.metadata.labels.reviewed}") == "yes");
  BOOST_TEST(k.ok("delete buildrun app-build-run-1").find("deleted") != std::string::npos);
  const auto [code, missing] = k.run("get buildrun app-build-run-1");
  BOOST_TEST(code != 0);
  BOOST_TEST(missing.find("buildruns.shipwright.io \"app-build-run-1\" not found") != std::string::npos);
  // Field validation through the OpenAPI document: kubectl asks for Strict.
  const auto bad = write(proc.dir, "bad.yaml", "apiVersion: shipwright.io/v1beta1\nkind: BuildRun\nmetadata: {name: x}\n"
                                               "spec: {build: {name: app-build}, nonsense: 1}\n");
  const auto [bad_code, bad_out] = k.run("create -f " + bad);
  BOOST_TEST(bad_code != 0);
  BOOST_TEST(bad_out.find("unknown field \"spec.nonsense\"") != std::string::npos);
  BOOST_TEST(proc.stop() == 0);
}
