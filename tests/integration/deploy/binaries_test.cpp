// The rendered configuration against the real binaries: each Deployment's --config file (from its
// ConfigMap), args and literal BROKKR_* environment are handed to brokkr-broker / brokkr-agent with
// --help, which parses and validates every flag, variable and config key before printing usage. An
// unknown key or a malformed value in a manifest fails here instead of in a cluster.
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "rendered.hpp"

using namespace brokkr::deploy_test;

namespace {

void check_against(const std::string& exe, const std::string& app, const std::string& deployment,
                   const std::string& container_name) {
  const auto check = [&](const overlay& o, const YAML::Node& d, const YAML::Node& c) {
    const auto cfg = config_of(o, d, c);
    BOOST_TEST_REQUIRE(cfg.problem.empty(), cfg.problem);

    const auto dir = std::filesystem::temp_directory_path() / ("brokkr-deploy-" + std::to_string(::getpid()) + "-" + app + "-" + o.name);
    std::filesystem::create_directories(dir);
    const auto config_file = (dir / std::filesystem::path(cfg.config_path).filename()).string();
    std::ofstream(config_file) << cfg.config_text;

    std::vector<std::string> argv{exe};
    const auto args = c["args"];
    for (size_t i = 0; args && i < args.size(); ++i) {
      argv.push_back(str(args[i]));
      if (str(args[i]) == "--config" && i + 1 < args.size()) {
        argv.push_back(config_file);
        ++i;
      }
    }
    argv.push_back("--help");
    std::vector<std::string> env;
    for (const auto& [name, value] : cfg.env)
      if (name != "BROKKR_CONFIG") env.push_back(name + "=" + value);
    const auto r = run(argv, env, /*clean_env=*/true);
    BOOST_TEST(r.exit_code == 0, exe << " rejects the rendered configuration: " << r.err << r.out);
    std::filesystem::remove_all(dir);
  };
  BOOST_TEST(for_each_deployment(app, deployment, container_name, check) > 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(binaries_accept_the_rendered_configuration)

BOOST_AUTO_TEST_CASE(broker) {
#ifdef BROKKR_BROKER_EXE
  check_against(BROKKR_BROKER_EXE, "broker", "brokkr-broker", "broker");
#else
  BOOST_TEST_MESSAGE("brokkr-broker is not part of this build; its configuration contract is not checked");
#endif
}

BOOST_AUTO_TEST_CASE(agent) {
#ifdef BROKKR_AGENT_EXE
  check_against(BROKKR_AGENT_EXE, "agent", "brokkr-agent", "agent");
#else
  BOOST_TEST_MESSAGE("brokkr-agent is not part of this build yet; its configuration contract is not checked");
#endif
}

BOOST_AUTO_TEST_SUITE_END()
