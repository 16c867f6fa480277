#include <doctest/doctest.h>

#include "events.h"

#include <memory>

#include "sse/http.h"
#include "test_server.h"

using namespace std::chrono_literals;
using td::sse::Broker;
using td::sse::BrokerConfig;
using td::sse::Event;
using td::test::ev;
using td::test::RawClient;
using td::test::ServerGuard;
using td::test::unbatched_config;
using td::test::wait_for;

namespace {

td::httpserve::ServerLimits limits(size_t streams = 64) {
  td::httpserve::ServerLimits l;
  l.api_threads = 4;
  l.stream_threads = streams;
  l.write_timeout = 1s;
  return l;
}

std::vector<int64_t> ids_of(const RawClient& c) {
  std::vector<int64_t> out;
  for (auto& m : c.events())
    if (m.id) out.push_back(std::stoll(*m.id));
  return out;
}
}  // namespace

TEST_CASE("GET /api/report-events streams retry, then events with id, event and JSON data") {
  Broker broker(unbatched_config());
  ServerGuard s([&](httplib::Server& svr) { td::sse::install_report_events(svr, broker); }, limits());
  RawClient c(s.port, "/api/report-events");
  REQUIRE(c.read_until([&] { return !c.messages.empty(); }, 2s));
  CHECK(c.parser.status() == 200);
  CHECK(c.parser.headers().at("content-type") == "text/event-stream");
  CHECK(c.parser.headers().at("cache-control") == "no-cache");
  CHECK(c.parser.headers().at("x-accel-buffering") == "no");
  CHECK(c.messages[0].retry == std::optional<long>(3000));

  broker.publish({ev(1, "report-updated", "yt:A", {{"variant", "comprehensive"}}), ev(2, "audio-ready", "yt:A")});
  REQUIRE(c.read_until([&] { return c.event_count() == 2; }, 2s));
  auto e = c.events();
  CHECK(e[0].id == std::optional<std::string>("1"));
  CHECK(e[0].event == "report-updated");
  auto j = nlohmann::json::parse(e[0].data);
  CHECK(j["video_id"] == "yt:A");
  CHECK(j["type"] == "report-updated");
  CHECK(j["variant"] == "comprehensive");
  CHECK(j.contains("at"));
  CHECK(e[1].event == "audio-ready");
}

TEST_CASE("query filters, batch=0, and bad parameters") {
  BrokerConfig cfg = unbatched_config();
  cfg.batch_window = 100ms;
  Broker broker(cfg);
  ServerGuard s([&](httplib::Server& svr) { td::sse::install_report_events(svr, broker); }, limits());
  RawClient by_video(s.port, "/api/report-events?video_id=yt:B&batch=0");
  RawClient by_types(s.port, "/api/report-events?types=audio-ready,report-deleted&batch=0");
  RawClient batched(s.port, "/api/report-events");
  for (auto* c : {&by_video, &by_types, &batched}) REQUIRE(c->read_until([&] { return !c->messages.empty(); }, 2s));
  REQUIRE(wait_for([&] { return broker.counters().clients_current == 3; }, 1s));
  broker.publish({ev(1, "report-updated", "yt:A", {{"variant", "comprehensive"}}),
                  ev(2, "report-updated", "yt:B", {{"variant", "comprehensive"}}), ev(3, "audio-ready", "yt:A"),
                  ev(4, "report-updated", "yt:A", {{"variant", "key-insights"}})});
  broker.publish({ev(5, "report-deleted", "yt:B")});
  REQUIRE(by_video.read_until([&] { return by_video.event_count() == 2; }, 2s));
  CHECK(ids_of(by_video) == std::vector<int64_t>{2, 5});
  REQUIRE(by_types.read_until([&] { return by_types.event_count() == 2; }, 2s));
  CHECK(ids_of(by_types) == std::vector<int64_t>{3, 5});
  // One window: A/report-updated (1,4) merged, B/report-updated, A/audio-ready, B/report-deleted.
  REQUIRE(batched.read_until([&] { return batched.event_count() == 4; }, 2s));
  auto ev4 = batched.events();
  auto merged = std::find_if(ev4.begin(), ev4.end(), [](auto& m) {
    return m.event == "report-updated" && nlohmann::json::parse(m.data)["video_id"] == "yt:A";
  });
  REQUIRE(merged != ev4.end());
  CHECK(nlohmann::json::parse(merged->data)["variants"] == nlohmann::json::array({"comprehensive", "key-insights"}));
  CHECK(ids_of(batched).back() == 5);

  httplib::Client cli("127.0.0.1", s.port);
  for (auto bad : {"/api/report-events?types=nope", "/api/report-events?video_id=../etc",
                   "/api/report-events?batch=maybe", "/api/report-events?last_event_id=-1"}) {
    auto r = cli.Get(bad);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(nlohmann::json::parse(r->body).contains("error"));
  }
}

TEST_CASE("Last-Event-ID header resumes over HTTP across a reconnect") {
  std::mutex mu;
  std::vector<Event> outbox;
  td::sse::ReplaySource src{[&](int64_t after, size_t limit) {
                              std::lock_guard lk(mu);
                              std::vector<Event> out;
                              for (auto& e : outbox)
                                if (e.id > after && out.size() < limit) out.push_back(e);
                              return out;
                            },
                            [] { return int64_t{1}; }};
  Broker broker(unbatched_config(), src);
  auto publish = [&](int64_t from, int64_t to) {
    std::vector<Event> b;
    for (auto i = from; i <= to; ++i) b.push_back(ev(i));
    {
      std::lock_guard lk(mu);
      outbox.insert(outbox.end(), b.begin(), b.end());
    }
    broker.publish(b);
  };
  ServerGuard s([&](httplib::Server& svr) { td::sse::install_report_events(svr, broker); }, limits());
  std::string last;
  {
    RawClient c(s.port, "/api/report-events?batch=0");
    REQUIRE(c.read_until([&] { return !c.messages.empty(); }, 2s));
    publish(1, 5);
    REQUIRE(c.read_until([&] { return c.event_count() == 5; }, 2s));
    last = *c.events().back().id;
  }  // disconnect; events keep coming
  publish(6, 12);
  RawClient again(s.port, "/api/report-events?batch=0&last_event_id=2", "Last-Event-ID: " + last + "\r\n");
  REQUIRE(again.read_until([&] { return again.event_count() == 7; }, 2s));
  publish(13, 14);
  REQUIRE(again.read_until([&] { return again.event_count() == 9; }, 2s));
  CHECK(ids_of(again) == std::vector<int64_t>{6, 7, 8, 9, 10, 11, 12, 13, 14});
}

TEST_CASE("a reader that never reads is dropped while a fast one receives everything") {
  BrokerConfig cfg = unbatched_config();
  cfg.client_buffer_bytes = 512 * 1024;
  Broker broker(cfg);
  ServerGuard s([&](httplib::Server& svr) { td::sse::install_report_events(svr, broker); }, limits());
  RawClient slow(s.port, "/api/report-events", "", 4096);
  RawClient fast(s.port, "/api/report-events");
  REQUIRE(fast.read_until([&] { return !fast.messages.empty(); }, 2s));
  REQUIRE(wait_for([&] { return broker.counters().clients_current == 2; }, 1s));
  std::string pad(4000, 'x');
  const int n = 3000;  // ~12 MB: more than both socket buffers and the limit
  std::thread pub([&] {
    for (int i = 1; i <= n; ++i) {
      broker.publish({ev(i, "report-updated", "yt:A", {{"pad", pad}})});
      if (i % 10 == 0) std::this_thread::sleep_for(2ms);  // ~20 MB/s: a reader keeps up
    }
  });
  bool all = fast.read_until([&] { return fast.event_count() == static_cast<size_t>(n); }, 20s);
  pub.join();
  CHECK(all);
  CHECK(ids_of(fast).back() == n);
  CHECK(wait_for([&] { return broker.counters().clients_current == 1; }, 5s));
  auto c = broker.counters();
  CHECK(c.events_failed > 0);
  CHECK(c.clients_dropped == 1);
}

TEST_CASE("beyond SSE_MAX_CLIENTS the endpoint answers 503 with Retry-After; a closed stream frees its slot") {
  BrokerConfig cfg = unbatched_config();
  cfg.max_clients = 3;
  cfg.heartbeat = 100ms;  // a write is what notices a closed peer
  Broker broker(cfg);
  ServerGuard s([&](httplib::Server& svr) { td::sse::install_report_events(svr, broker); }, limits());
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<RawClient>(s.port, "/api/report-events"));
    REQUIRE(clients.back()->read_until([&] { return !clients.back()->messages.empty(); }, 2s));
  }
  httplib::Client cli("127.0.0.1", s.port);
  auto r = cli.Get("/api/report-events");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->get_header_value("Retry-After") == "5");
  CHECK(nlohmann::json::parse(r->body)["error"].get<std::string>().find("too many") != std::string::npos);
  clients[0]->close();
  CHECK(wait_for([&] { return broker.counters().clients_current == 2; }, 3s));
  RawClient again(s.port, "/api/report-events");
  CHECK(again.read_until([&] { return !again.messages.empty(); }, 2s));
  CHECK(again.parser.status() == 200);
  // heartbeats reach an open client
  CHECK(again.read_until(
      [&] {
        for (auto& m : again.messages)
          for (auto& cm : m.comments)
            if (cm == "heartbeat") return true;
        return false;
      },
      2s));
}

TEST_CASE("other endpoints answer while hundreds of streams are open, and stop does not hang") {
  Broker broker(unbatched_config());
  const int n = 300;
  auto s = std::make_unique<ServerGuard>(
      [&](httplib::Server& svr) {
        td::sse::install_report_events(svr, broker);
        svr.Get("/ping",
                [](const httplib::Request&, httplib::Response& res) { res.set_content("pong", "text/plain"); });
      },
      limits(n + 8));
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < n; ++i) clients.push_back(std::make_unique<RawClient>(s->port, "/api/report-events"));
  REQUIRE(wait_for([&] { return broker.counters().clients_current == static_cast<uint64_t>(n); }, 10s));
  httplib::Client cli("127.0.0.1", s->port);
  for (int i = 0; i < 20; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = cli.Get("/ping");
    REQUIRE(r);
    CHECK(r->body == "pong");
    CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
  }
  broker.publish({ev(1)});
  for (auto& c : clients) CHECK(c->read_until([&] { return c->event_count() == 1; }, 5s));

  auto t0 = std::chrono::steady_clock::now();
  s->stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(broker.counters().clients_current == 0);
}
