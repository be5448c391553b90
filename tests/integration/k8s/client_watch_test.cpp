// Watch streams and the reflector against the simulated API server: list then watch, resume from the
// last resourceVersion, re-list on 410 (HTTP status and in-stream ERROR), bookmarks, prompt stop.
#include <future>
#include <mutex>

#include "k8s/reflector.hpp"
#include "k8s/sim/faults.hpp"
#include "k8s/sim/object_store.hpp"
#include "sim_fixture.hpp"
#include "tests/support/raw_socket.hpp"

using namespace brokkr::k8s;
using namespace brokkr::k8s::testing;

namespace {

// Runs a reflector on its own thread and records what it reports.
struct reflector_run {
  reflector_run(client& c, reflector_options opts = {}) : refl(c, resources::configmaps, "ci", with_fast_backoff(opts)) {
    done = std::async(std::launch::async, [this] {
      return refl.run([this](const reflector_event& ev) {
        std::lock_guard lock(mu);
        std::string name = ev.object.is_object() ? ev.object["metadata"].value("name", "") : "";
        events.push_back(std::string(kind(ev.type)) + (name.empty() ? "" : " " + name));
        return true;
      }, stop);
    });
  }
  ~reflector_run() { (void)finish(); }

  static reflector_options with_fast_backoff(reflector_options o) {
    o.backoff = {std::chrono::milliseconds(20), std::chrono::milliseconds(100), 2.0, 0.1};
    return o;
  }
  static const char* kind(reflector_event_type t) {
    switch (t) {
      case reflector_event_type::added: return "added";
      case reflector_event_type::modified: return "modified";
      case reflector_event_type::deleted: return "deleted";
      case reflector_event_type::bookmark: return "bookmark";
      case reflector_event_type::synced: return "synced";
    }
    return "?";
  }
  bool saw(const std::string& e) {
    return eventually([&] {
      std::lock_guard lock(mu);
      return std::find(events.begin(), events.end(), e) != events.end();
    });
  }
  size_t count(const std::string& e) {
    std::lock_guard lock(mu);
    return static_cast<size_t>(std::count(events.begin(), events.end(), e));
  }
  brokkr::expected<brokkr::ok_t, api_status> finish() {
    stop = true;
    if (done.valid()) {
      BOOST_REQUIRE(done.wait_for(5s) == std::future_status::ready);  // stop takes effect promptly
      result = done.get();
    }
    return result;
  }

  reflector refl;
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> events;
  std::future<brokkr::expected<brokkr::ok_t, api_status>> done;
  brokkr::expected<brokkr::ok_t, api_status> result = brokkr::ok;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client_watch, sim_fixture)

BOOST_AUTO_TEST_CASE(list_then_watch_delivers_typed_events_and_bookmarks) {
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("before")));
  client own(sim.client_config());
  reflector_run r(own);
  BOOST_TEST(r.saw("added before"));
  BOOST_TEST(r.saw("synced"));
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("after")));
  BOOST_TEST(r.saw("added after"));
  BOOST_REQUIRE(api.patch(resources::configmaps, "ci", "after", patch_type::merge, {{"data", {{"k", "2"}}}}));
  BOOST_TEST(r.saw("modified after"));
  BOOST_REQUIRE(api.remove(resources::configmaps, "ci", "before"));
  BOOST_TEST(r.saw("deleted before"));
  BOOST_TEST(r.saw("bookmark"));  // the test sim sends one every 200 ms
  BOOST_TEST(r.finish().has_value());
  BOOST_TEST(r.refl.items().size() == 1u);
  BOOST_TEST(r.refl.items().count("ci/after") == 1u);
  BOOST_TEST(r.refl.stats().lists == 1);
  BOOST_TEST(!r.refl.resource_version().empty());
}

BOOST_AUTO_TEST_CASE(a_dropped_watch_resumes_from_the_last_resource_version) {
  client own(sim.client_config());
  reflector_run r(own);
  BOOST_REQUIRE(r.saw("synced"));
  BOOST_REQUIRE(eventually([&] { return sim.drop_watches() > 0; }));
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("during")));
  BOOST_TEST(r.saw("added during"));
  BOOST_TEST(r.finish().has_value());
  BOOST_TEST(r.refl.stats().lists == 1);  // resumed, not re-listed
  BOOST_TEST(r.refl.stats().watches >= 2);
  BOOST_TEST(r.refl.stats().errors >= 1);
  BOOST_TEST(r.count("added during") == 1u);
}

BOOST_AUTO_TEST_CASE(http_410_on_watch_makes_the_reflector_list_again) {
  sim.faults().add(*sim::parse_fault({{"type", "watch-gone-http"}}));
  client own(sim.client_config());
  reflector_run r(own);
  BOOST_REQUIRE(r.saw("synced"));
  BOOST_REQUIRE(eventually([&] { return r.refl.stats().lists >= 2; }));
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("x")));
  BOOST_TEST(r.saw("added x"));
  BOOST_TEST(r.finish().has_value());
  BOOST_TEST(r.refl.stats().expired == 1);
  BOOST_TEST(r.count("synced") == 2u);
}

BOOST_AUTO_TEST_CASE(in_stream_410_error_event_makes_the_reflector_list_again) {
  sim.faults().add(*sim::parse_fault({{"type", "watch-gone-event"}}));
  client own(sim.client_config());
  reflector_run r(own);
  BOOST_REQUIRE(eventually([&] { return r.refl.stats().lists >= 2; }));
  BOOST_TEST(r.finish().has_value());
  BOOST_TEST(r.refl.stats().expired == 1);
}

BOOST_AUTO_TEST_CASE(relist_reports_what_changed_while_away) {
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("stays")));
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("goes")));
  client own(sim.client_config());
  reflector refl(own, resources::configmaps, "ci", reflector_run::with_fast_backoff({}));
  std::atomic<bool> stop{false};
  std::vector<std::string> seen;
  auto until_synced = [&](const reflector_event& ev) {
    seen.push_back(reflector_run::kind(ev.type));
    return ev.type != reflector_event_type::synced;  // stop after the list
  };
  BOOST_REQUIRE(refl.run(until_synced, stop));
  BOOST_TEST(refl.items().size() == 2u);
  BOOST_REQUIRE(api.remove(resources::configmaps, "ci", "goes"));
  BOOST_REQUIRE(api.patch(resources::configmaps, "ci", "stays", patch_type::merge, {{"data", {{"k", "new"}}}}));
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("new")));
  seen.clear();
  BOOST_REQUIRE(refl.run(until_synced, stop));  // a new run lists again and diffs against what it knew
  BOOST_TEST((seen == std::vector<std::string>{"deleted", "added", "modified", "synced"}));
  BOOST_TEST(refl.items().count("ci/goes") == 0u);
}

BOOST_AUTO_TEST_CASE(watch_from_a_compacted_version_is_expired) {
  auto a = api.create(resources::configmaps, "ci", configmap("a"));
  BOOST_REQUIRE(a);
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("b")));
  sim.store().compact();
  std::atomic<bool> stop{false};
  auto end = api.watch(resources::configmaps, "ci", {.resource_version = (*a)["metadata"]["resourceVersion"]},
                       [](watch_event&&) { return true; }, stop);
  BOOST_REQUIRE(!end);
  BOOST_TEST(is_gone(end.error()));
  BOOST_TEST(end.error().message.find("too old resource version") == 0u);
}

BOOST_AUTO_TEST_CASE(low_level_watch_selectors_timeout_and_callback_stop) {
  std::atomic<bool> stop{false};
  std::vector<std::string> types;
  auto list = api.list(resources::configmaps, "ci");
  BOOST_REQUIRE(list);
  auto w = std::async(std::launch::async, [&] {
    client own(sim.client_config());
    return own.watch(resources::configmaps, "ci",
                     {.resource_version = list->resource_version, .label_selector = "team=a", .allow_bookmarks = false,
                      .timeout = std::chrono::seconds(2)},
                     [&](watch_event&& ev) {
                       types.emplace_back(to_string(ev.type));
                       return types.size() < 3;
                     },
                     stop);
  });
  BOOST_REQUIRE(api.create(resources::configmaps, "ci", configmap("x", {{"team", "b"}})));
  BOOST_REQUIRE(api.patch(resources::configmaps, "ci", "x", patch_type::merge, {{"metadata", {{"labels", {{"team", "a"}}}}}}));
  BOOST_REQUIRE(api.patch(resources::configmaps, "ci", "x", patch_type::merge, {{"data", {{"k", "2"}}}}));
  BOOST_REQUIRE(api.patch(resources::configmaps, "ci", "x", patch_type::merge, {{"metadata", {{"labels", {{"team", "c"}}}}}}));
  BOOST_REQUIRE(w.wait_for(5s) == std::future_status::ready);
  auto end = w.get();
  BOOST_REQUIRE(end);
  BOOST_TEST((*end == watch_end::callback_stopped));
  BOOST_TEST((types == std::vector<std::string>{"ADDED", "MODIFIED", "DELETED"}));
  // timeoutSeconds ends the stream from the server side.
  auto quiet = api.watch(resources::configmaps, "ci", {.resource_version = "", .label_selector = "none=here",
                                                       .timeout = std::chrono::seconds(1)},
                         [](watch_event&&) { return true; }, stop);
  BOOST_REQUIRE(quiet);
  BOOST_TEST((*quiet == watch_end::server_closed));
}

BOOST_AUTO_TEST_CASE(reflector_backs_off_on_its_clock_and_stops_on_permanent_errors) {
  auto clock = std::make_shared<manual_clock>();
  client own(sim.client_config(), {.max_attempts = 1});
  sim.faults().add(*sim::parse_fault({{"type", "http-error"}, {"code", 500}, {"times", 2}, {"watch", false},
                                      {"pathPrefix", "/api/v1/namespaces/ci/configmaps"}}));
  std::vector<int> errors;
  reflector_options opts{.backoff = {std::chrono::milliseconds(800), std::chrono::seconds(30), 2.0, 0.0},
                         .clock = clock, .on_error = [&](const api_status& s) { errors.push_back(s.code); }};
  reflector refl(own, resources::configmaps, "ci", opts);
  std::atomic<bool> stop{false};
  auto r = refl.run([](const reflector_event& ev) { return ev.type != reflector_event_type::synced; }, stop);
  BOOST_REQUIRE(r);
  BOOST_TEST((errors == std::vector<int>{500, 500}));
  const auto sleeps = clock->sleeps();
  BOOST_REQUIRE(sleeps.size() == 2u);
  BOOST_TEST(sleeps[0].count() == 800);
  BOOST_TEST(sleeps[1].count() == 1600);
  // 403 cannot be fixed by retrying: the reflector returns it.
  sim.faults().add(*sim::parse_fault({{"type", "http-error"}, {"code", 403}, {"reason", "Forbidden"}}));
  reflector denied(own, resources::configmaps, "ci", opts);
  auto d = denied.run([](const reflector_event&) { return true; }, stop);
  BOOST_REQUIRE(!d);
  BOOST_TEST(d.error().reason == "Forbidden");
}

// `watch` is read as the API server reads booleans: `watch=True` or a bare `watch` start a watch
// stream, `watch=FALSE` and `watch=0` list; a limit that is not a number is a 400.
BOOST_AUTO_TEST_CASE(watch_and_limit_query_values_are_read_as_a_real_server_reads_them) {
  const auto get = [&](const std::string& query) {
    raw_socket s(port);
    BOOST_REQUIRE(s.send_all("GET /api/v1/namespaces/ci/configmaps?" + query + " HTTP/1.1\r\nHost: sim\r\n" +
                             "Authorization: Bearer " + sim.token() + "\r\nConnection: close\r\n\r\n"));
    return s.read_for(400);  // a list ends at once; a watch stays open and sends nothing more
  };
  for (const char* q : {"watch=True", "watch", "watch=t", "watch=1"}) {
    BOOST_TEST_CONTEXT(q) {
      const auto answer = get(q);
      BOOST_TEST(answer.find("HTTP/1.1 200") == 0u);
      BOOST_TEST(answer.find("ConfigMapList") == std::string::npos);
    }
  }
  for (const char* q : {"watch=FALSE", "watch=0", "limit=-1"}) {
    BOOST_TEST_CONTEXT(q) {
      const auto answer = get(q);
      BOOST_TEST(answer.find("HTTP/1.1 200") == 0u);
      BOOST_TEST(answer.find("ConfigMapList") != std::string::npos);
    }
  }
  const auto bad = get("limit=5x");
  BOOST_TEST(bad.find("HTTP/1.1 400") == 0u);
  BOOST_TEST(bad.find("limit") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
