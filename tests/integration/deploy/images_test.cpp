// The container images' runtime stage must provide every shared library the binary asks for: the
// libraries the built executable names (DT_NEEDED, resolved by ldd) are mapped to their Debian
// packages (dpkg -S) and each must be installed by the Dockerfile's runtime `apt-get install`, be
// a direct dependency of one installed there, or be in every Debian base image. Docker does not run
// here, so this is the check that catches a library added to the build but not to the image.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "rendered.hpp"

using namespace brokkr::deploy_test;

namespace {

std::string shell(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

// The package names of the runtime stage's `apt-get install` (the last one in the file).
std::set<std::string> runtime_packages(const std::string& dockerfile) {
  std::ifstream in(dockerfile);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const auto stage = text.rfind("apt-get install");
  BOOST_REQUIRE(stage != std::string::npos);
  std::set<std::string> out;
  std::istringstream words(text.substr(stage, text.find("&&", stage) - stage));
  for (std::string w; words >> w;)
    if (w != "apt-get" && w != "install" && w != "\\" && w[0] != '-') out.insert(w);
  return out;
}

std::set<std::string> needed_packages(const std::string& exe) {
  std::set<std::string> needed;
  std::istringstream readelf(shell("readelf -d '" + exe + "'"));
  std::set<std::string> names;
  // " 0x...1 (NEEDED)  Shared library: [libyaml-0.so.2]"
  for (std::string line; std::getline(readelf, line);) {
    if (line.find("(NEEDED)") == std::string::npos) continue;
    const auto open = line.find('['), close = line.rfind(']');
    if (open != std::string::npos && close != std::string::npos && close > open + 1)
      names.insert(line.substr(open + 1, close - open - 1));
  }
  std::istringstream ldd(shell("ldd '" + exe + "'"));
  for (std::string line; std::getline(ldd, line);) {
    std::istringstream f(line);
    std::string name, arrow, path;
    f >> name >> arrow >> path;
    if (!names.count(name) || arrow != "=>") continue;
    // "libyaml-0-2:amd64: /lib/x86_64-linux-gnu/libyaml-0.so.2"; the file may be found under /usr/lib.
    auto owner = shell("dpkg -S '" + path + "' 2>/dev/null || dpkg -S '/usr" + path + "' 2>/dev/null");
    owner = owner.substr(0, owner.find(':'));
    BOOST_TEST(!owner.empty(), exe << ": no package owns " << path);
    if (!owner.empty()) needed.insert(owner);
  }
  BOOST_TEST(needed.size() >= 5u, exe << " links fewer libraries than expected; readelf or ldd missing?");
  return needed;
}

void check_image(const std::string& exe, const std::string& dockerfile) {
  const auto installed = runtime_packages(dockerfile);
  std::set<std::string> provided = {"libc6", "libgcc-s1", "libstdc++6"};  // in every Debian base image
  for (const auto& p : installed) {
    provided.insert(p);
    std::istringstream deps(shell("apt-cache depends --no-recommends --no-suggests '" + p + "' 2>/dev/null"));
    for (std::string line; std::getline(deps, line);) {
      const auto at = line.find("Depends: ");
      if (at == std::string::npos) continue;
      auto dep = line.substr(at + 9);
      dep = dep.substr(0, dep.find(':'));
      provided.insert(dep);
    }
  }
  for (const auto& pkg : needed_packages(exe)) {
    // The sanitizer runtimes come with `scripts/test --sanitize` builds, which no image ships.
    if (pkg.rfind("libasan", 0) == 0 || pkg.rfind("libubsan", 0) == 0) continue;
    BOOST_TEST(provided.count(pkg) == 1u, dockerfile << ": the runtime stage lacks " << pkg << ", needed by " << exe);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(runtime_images_provide_every_library_the_binaries_need) {
  // The images ship Release builds. An ASan/UBSan build keeps libraries that the Release link drops
  // as unused (libcurl in the broker), so its NEEDED list says nothing about the images.
  if (const char* s = std::getenv("BROKKR_SANITIZED"); s && std::string(s) == "1") {
    BOOST_TEST_MESSAGE("sanitizer build: the image contract is checked by the Release suite");
    return;
  }
  const auto docker = source_dir() / "deploy" / "docker";
#ifdef BROKKR_BROKER_EXE
  check_image(BROKKR_BROKER_EXE, (docker / "Dockerfile.broker").string());
#endif
#ifdef BROKKR_AGENT_EXE
  check_image(BROKKR_AGENT_EXE, (docker / "Dockerfile.agent").string());
#endif
}
