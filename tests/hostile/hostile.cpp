#include "tests/hostile/hostile.hpp"

#include <fstream>
#include <sstream>

namespace brokkr::test::hostile {

suite_broker& suite_broker::get() {
  static suite_broker b;
  return b;
}

suite_broker::suite_broker()
    : dir_(temp_dir("brokkr-hostile")), broker_(db_.url(), dir_ + "/admin.key", hostile_flags()) {
  broker_.start();
  admin_key_ = broker_.admin_key();
  auto admin = api_client(broker_.url(), admin_key_);
  for (auto [name, out] : {std::pair<const char*, agent_key*>{"agent-a", &a_}, {"agent-b", &b_}}) {
    auto r = admin.post("/api/v1/agents", {{"name", name}, {"cluster_name", "hostile"}, {"labels", {"hostile"}}});
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.raw);
    *out = {r.body["agent"]["id"], r.body["key"]};
  }
  // A little ordinary traffic first, so the baseline includes warmed-up pools and caches.
  for (int i = 0; i < 20; ++i) admin.get("/api/v1/ephemeral-work");
  baseline_ = rss_kib();
  BOOST_TEST_MESSAGE("hostile broker: pid " << broker_.proc().pid() << ", baseline RSS " << baseline_ << " KiB");
}

std::string suite_broker::pending_item() {
  auto r = admin().post_raw("/api/v1/ephemeral-work", work_body({"hostile"}));
  BOOST_REQUIRE_MESSAGE(r.status == 201, r.raw);
  return r.body["id"];
}

std::string suite_broker::claimed_item() {
  const auto id = pending_item();
  // B is a target too: hold the item for A by claiming it by id.
  auto c = as(a_).post("/api/v1/ephemeral-work/" + id + "/claim");
  BOOST_REQUIRE_MESSAGE(c.status == 200, c.raw);
  return id;
}

long suite_broker::rss_kib() const {
  std::ifstream in("/proc/" + std::to_string(const_cast<broker_process&>(broker_).proc().pid()) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

void still_serving(const std::string& what) {
  auto& s = suite_broker::get();
  api_client anon(s.url());
  anon.timeout = std::chrono::seconds(10);
  const auto health = anon.get("/healthz");
  BOOST_TEST(health.status == 200, what << ": the broker stopped answering (" << health.transport_error << ")");
  const auto rss = s.rss_kib();
  BOOST_TEST(rss > 0, what << ": the broker process is gone");
  const long slack = sanitized() ? rss_slack_sanitized_kib : rss_slack_kib;
  BOOST_TEST(rss < s.baseline_kib() + slack,
             what << ": RSS " << rss << " KiB, baseline " << s.baseline_kib() << " KiB");
}

raw_answer send_raw(uint16_t port, const std::string& bytes, int wait_ms) {
  raw_socket sock(port, 10);
  raw_answer a;
  sock.send_all(bytes);
  a.text = sock.read_for(wait_ms);
  a.closed = sock.eof;
  for (auto p = a.text.find("HTTP/1.1 "); p != std::string::npos; p = a.text.find("HTTP/1.1 ", p + 1)) {
    if (a.answers++ == 0 && a.text.size() >= p + 12) a.status = std::stoi(a.text.substr(p + 9, 3));
  }
  return a;
}

std::string work_body(const std::vector<std::string>& labels) {
  return nlohmann::json{{"work_type", "shipwright-build"},
                        {"crd_spec", sample_build_spec()},
                        {"targets", {{"labels", labels}}}}
      .dump();
}

}  // namespace brokkr::test::hostile
