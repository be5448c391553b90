// `brokkr version` against a live broker (and without one), and `brokkr completion` run by the real
// bash, zsh and fish: what each shell offers after a partial command line.
#include <fstream>

#include "common/version.hpp"
#include "tests/e2e/cli/cli_fixture.hpp"

using namespace brokkr::test;

namespace {

// Runs `script` with `shell` (argv), returns what it printed; the test fails when it exits non-zero.
std::string run_shell(const std::vector<std::string>& shell, const std::string& dir, const std::string& name,
                      const std::string& script) {
  const auto path = dir + "/" + name;
  std::ofstream(path) << script;
  auto argv = shell;
  argv.push_back(path);
  child_process p(argv, path + ".log", {"HOME=" + dir});
  const auto code = p.wait(std::chrono::seconds(60));
  BOOST_TEST(code.value_or(-1) == 0, name << " exited " << code.value_or(-1) << ":\n" << p.log());
  return p.log();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tools, cli_fixture)

BOOST_AUTO_TEST_CASE(version_shows_client_and_server) {
  const std::string v(brokkr::version());
  auto table = ok({"version"});
  BOOST_TEST(has(table.out, "Client Version: " + v + "\n"), table.out);
  BOOST_TEST(has(table.out, "Server Version: " + v + " (" + broker.url() + ")"), table.out);
  BOOST_TEST(has(table.out, "Agent Protocol: 3"), table.out);
  auto doc = ok({"version", "-o", "json"}).json();
  BOOST_TEST(doc["client"]["version"] == v);
  BOOST_TEST(doc["server"]["version"] == v);
  BOOST_TEST(doc["server"]["protocol_version"] == 3);
  BOOST_TEST(doc["server"]["oldest_protocol_version"] == 2);
  BOOST_TEST(doc["server"]["url"] == broker.url());

  // No key is needed: /version is open, and the key file is not even read.
  cli_runner keyless({{"BROKKR_SERVER", broker.url()}, {"BROKKR_KEY_FILE", dir + "/no-such.key"}});
  auto r = keyless.run({"version"});
  BOOST_TEST(r.code == 0, r.err);
  BOOST_TEST(has(r.out, "Server Version: " + v));

  // Without a server: the client's alone, exit 0. Unreachable: the client's, then exit 5.
  cli_runner bare;
  auto alone = bare.run({"version"});
  BOOST_TEST(alone.code == 0, alone.err);
  BOOST_TEST(has(alone.out, "Client Version: " + v));
  BOOST_TEST(has(alone.out, "no server configured"));
  auto gone = bare.run({"version", "--server", "http://127.0.0.1:1"});
  BOOST_TEST(gone.code == 5);
  BOOST_TEST(has(gone.out, "Client Version: " + v));
  BOOST_TEST(has(gone.err, "cannot reach the broker"), gone.err);
  BOOST_TEST(bare.run({"version", "extra"}).code == 2);
  BOOST_TEST(bare.run({"--version"}).out == "brokkr " + v + "\n");
}

BOOST_AUTO_TEST_CASE(completion_scripts_complete_in_bash_zsh_and_fish) {
  cli_runner bare;
  auto wrong = bare.run({"completion", "powershell"});
  BOOST_TEST(wrong.code == 2);
  BOOST_TEST(has(wrong.err, "bash, zsh or fish"), wrong.err);
  BOOST_TEST(bare.run({"completion"}).code == 2);
  const auto bash_script = write_file("brokkr.bash", ok({"completion", "bash"}).out);
  const auto zsh_script = write_file("_brokkr", ok({"completion", "zsh"}).out);
  const auto fish_script = write_file("brokkr.fish", ok({"completion", "fish"}).out);

  // bash: COMPREPLY after each partial line, as readline would ask for it.
  const std::string probe =
      "c() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _brokkr; echo \"[$*] => ${COMPREPLY[*]}\"; }\n"
      "c brokkr ''\n"
      "c brokkr work su\n"
      "c brokkr --server http://x work ''\n"
      "c brokkr -o json agents ''\n"
      "c brokkr work submit --ty\n"
      "c brokkr work list --st\n"
      "c brokkr -o ''\n"
      "c brokkr completion ''\n"
      "c brokkr agents list -\n";
  const auto bash_out = run_shell({"/bin/bash"}, dir, "probe.bash", "source " + bash_script + "\n" + probe);
  for (const char* line : {"[brokkr ] => work agents version completion\n", "[brokkr work su] => submit\n",
                           "[brokkr --server http://x work ] => submit get list events cancel logs retry\n",
                           "[brokkr work submit --ty] => --type\n", "[brokkr work list --st] => --status\n",
                           "[brokkr -o ] => table json yaml\n", "[brokkr completion ] => bash zsh fish\n"})
    BOOST_TEST(has(bash_out, line), "bash: missing '" << line << "' in:\n" << bash_out);
  BOOST_TEST(has(bash_out, "[brokkr -o json agents ] => create list get label"), bash_out);
  BOOST_TEST(has(bash_out, "[brokkr agents list -] => --label --selector --status --server"), bash_out);

  // zsh: the same function through bashcompinit, called as compsys calls it (compgen there leaves
  // the prefix filtering to zsh, so the whole set of the position comes back).
  const auto zsh_out = run_shell(
      {"/usr/bin/zsh", "-f"}, dir, "probe.zsh",
      "autoload -U +X compinit && compinit -u -D\nsource " + zsh_script + "\n" + probe);
  BOOST_TEST(has(zsh_out, "[brokkr ] => work agents version completion\n"), zsh_out);
  BOOST_TEST(has(zsh_out, "[brokkr --server http://x work ] => submit get list events cancel logs retry\n"), zsh_out);
  BOOST_TEST(has(zsh_out, "[brokkr completion ] => bash zsh fish\n"), zsh_out);
  BOOST_TEST(has(zsh_out, "[brokkr -o ] => table json yaml\n"), zsh_out);

  // fish: `complete -C` prints what fish would offer, one "word<TAB>description" per line.
  const auto fish_out = run_shell({"/usr/bin/fish", "--no-config"}, dir, "probe.fish",
                                  "source " + fish_script +
                                      "\necho '--1'; complete -C 'brokkr '"
                                      "\necho '--2'; complete -C 'brokkr work su'"
                                      "\necho '--3'; complete -C 'brokkr work submit --ty'"
                                      "\necho '--4'; complete -C 'brokkr completion '"
                                      "\necho '--5'; complete -C 'brokkr -o '\n");
  for (const char* line : {"work\t", "agents\t", "version\tShow the client's version", "submit\tSubmit a work item",
                           "--type\twork type", "bash\n", "fish\n", "yaml\n"})
    BOOST_TEST(has(fish_out, line), "fish: missing '" << line << "' in:\n" << fish_out);
}

BOOST_AUTO_TEST_SUITE_END()
