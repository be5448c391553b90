// An https:// broker with a private CA: refused without --ca-file (exit 5, the certificate is not
// trusted), accepted with it. A stand-in server answers, so no database is needed.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "common/http_self_signed.hpp"
#include "common/http_server.hpp"
#include "tests/e2e/cli/cli_runner.hpp"

using namespace brokkr::test;
namespace http = brokkr::http;

BOOST_AUTO_TEST_CASE(https_server_with_a_private_ca) {
  auto pki = http::make_self_signed({"127.0.0.1"});
  BOOST_REQUIRE(pki.has_value());
  http::server_config cfg;
  cfg.tls = http::tls_config{.cert_pem = pki->server_cert_pem, .key_pem = pki->server_key_pem};
  http::server server(cfg, [](http::request req, std::shared_ptr<http::responder> resp) {
    const bool ok = req.path == "/api/v1/agents" && req.headers.get("authorization") == "Bearer brokkr_BRk_s";
    resp->send(ok ? http::response{200, {}, "application/json", R"({"items":[],"next_cursor":null})"}
                  : http::response{404, {}, "application/json", R"({"error":{"code":"not_found","message":"no"}})"});
  });
  auto port = server.start();
  BOOST_REQUIRE(port.has_value());
  const auto ca_file = temp_dir("brokkr-cli-tls") + "/ca.pem";
  std::ofstream(ca_file) << pki->ca_cert_pem;

  cli_runner cli({{"BROKKR_SERVER", "https://127.0.0.1:" + std::to_string(*port)}, {"BROKKR_KEY", "brokkr_BRk_s"}});
  auto untrusted = cli.run({"agents", "list"});
  BOOST_TEST(untrusted.code == 5, untrusted.err);
  BOOST_TEST(untrusted.err.find("tls_verify_failed") != std::string::npos, untrusted.err);
  auto trusted = cli.run({"agents", "list", "--ca-file", ca_file, "-o", "json"});
  BOOST_TEST(trusted.code == 0, trusted.err);
  BOOST_TEST(trusted.json()["items"].empty());
  cli.env["BROKKR_CA_FILE"] = ca_file;
  BOOST_TEST(cli.run({"agents", "list"}).code == 0);
  server.stop();
}
