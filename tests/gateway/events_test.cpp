// GET /api/report-events fed from the outbox; resume; replicas; the report
// cache following events; SSE metrics.
#include <doctest/doctest.h>

#include <optional>

#include "events/outbox.h"
#include "fixture.h"
#include "gateway/outbox_feed.h"
#include "sse/test_server.h"
#include "store/summaries.h"
#include "support/store_rows.h"

using namespace td;
using namespace td::test;
using namespace std::chrono_literals;

namespace {

int64_t emit(pqxx::connection& c, const std::string& type, const std::string& video, nlohmann::json data = {}) {
  if (data.is_null()) data = nlohmann::json::object();
  pqxx::work tx(c);
  auto id = events::emit(tx, type, video, data);
  tx.commit();
  return id;
}

std::vector<int64_t> ids_of(const RawClient& c) {
  std::vector<int64_t> out;
  for (const auto& m : c.events())
    if (m.id) out.push_back(std::stoll(*m.id));
  return out;
}

// Built with += : GCC 12 warns (-Wrestrict, a false positive) on "a" + to_string(n) + "b".
std::string last_event_id_header(int64_t id) {
  std::string h = "Last-Event-ID: ";
  h += std::to_string(id);
  h += "\r\n";
  return h;
}

// What an EventSource would send as Last-Event-ID: the last id field seen,
// whether or not its message carried an event.
std::optional<int64_t> last_id_field(const RawClient& c) {
  std::optional<int64_t> id;
  for (const auto& m : c.messages)
    if (m.id) id = std::stoll(*m.id);
  return id;
}

bool connected(RawClient& c) {
  return c.read_until([&] { return c.parser.head_done() && !c.messages.empty(); }, 5s);
}

}  // namespace

TEST_CASE("events emitted in the outbox reach a stream in order, with ids and fields") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));
  RawClient cl(g.port, "/api/report-events?batch=0");
  REQUIRE(connected(cl));
  CHECK(cl.parser.status() == 200);
  CHECK(cl.parser.headers().at("content-type") == "text/event-stream");
  CHECK(cl.parser.headers().at("cache-control") == "no-cache");
  CHECK(cl.parser.headers().at("x-accel-buffering") == "no");
  REQUIRE(cl.messages.front().retry.has_value());

  std::vector<int64_t> want;
  const char* types[] = {"report-updated", "report-synced", "audio-ready", "audio-synced", "report-updated"};
  auto want_variant = [](int i) { return std::string(1, static_cast<char>('a' + i)); };
  for (int i = 0; i < 5; ++i) want.push_back(emit(*conn, types[i], "yt:aaaaaaaaaaa", {{"variant", want_variant(i)}}));
  REQUIRE(cl.read_until([&] { return cl.event_count() >= 5; }, 5s));
  CHECK(ids_of(cl) == want);
  auto evs = cl.events();
  for (int i = 0; i < 5; ++i) {
    CHECK(evs[i].event == types[i]);
    auto d = nlohmann::json::parse(evs[i].data);
    CHECK(d["video_id"] == "yt:aaaaaaaaaaa");
    CHECK(d["type"] == types[i]);
    CHECK(d.contains("at"));
    CHECK(d["variant"] == want_variant(i));
  }
}

TEST_CASE("Last-Event-ID resumes with no gap and no duplicate, also across a gateway restart") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  std::vector<int64_t> all;
  int64_t last_seen = 0;
  {
    RunningGateway g1(gateway_options(db.url()));
    RawClient cl(g1.port, "/api/report-events?batch=0");
    REQUIRE(connected(cl));
    all.push_back(emit(*conn, "report-updated", "yt:aaaaaaaaaaa"));
    all.push_back(emit(*conn, "report-updated", "yt:bbbbbbbbbbb"));
    REQUIRE(cl.read_until([&] { return cl.event_count() >= 2; }, 5s));
    last_seen = ids_of(cl).back();
    cl.close();
    // Missed while disconnected, same gateway.
    all.push_back(emit(*conn, "audio-ready", "yt:aaaaaaaaaaa"));
    REQUIRE(wait_for([&] { return g1.gw->feed().cursor() >= all.back(); }, 5s));
    RawClient again(g1.port, "/api/report-events?batch=0", last_event_id_header(last_seen));
    REQUIRE(again.read_until([&] { return again.event_count() >= 1; }, 5s));
    CHECK(ids_of(again) == std::vector<int64_t>{all[2]});
    last_seen = all[2];
  }
  // No gateway running: these are only in the outbox.
  all.push_back(emit(*conn, "report-synced", "yt:aaaaaaaaaaa"));
  all.push_back(emit(*conn, "audio-synced", "yt:aaaaaaaaaaa"));
  RunningGateway g2(gateway_options(db.url()));
  RawClient cl(g2.port, "/api/report-events?batch=0&last_event_id=" + std::to_string(last_seen));
  REQUIRE(cl.read_until([&] { return cl.event_count() >= 2; }, 5s));
  all.push_back(emit(*conn, "report-updated", "yt:ccccccccccc"));
  REQUIRE(cl.read_until([&] { return cl.event_count() >= 3; }, 5s));
  cl.read_until([] { return false; }, 300ms);  // nothing extra may follow
  CHECK(ids_of(cl) == std::vector<int64_t>(all.begin() + 3, all.end()));

  // A client that has everything gets nothing replayed, only what comes next.
  RawClient fresh(g2.port, "/api/report-events?batch=0", last_event_id_header(all.back()));
  REQUIRE(connected(fresh));
  auto next = emit(*conn, "report-deleted", "yt:ccccccccccc");
  REQUIRE(fresh.read_until([&] { return fresh.event_count() >= 1; }, 5s));
  CHECK(ids_of(fresh) == std::vector<int64_t>{next});
}

TEST_CASE("a client that saw no event yet still resumes: the stream opens with its resume id") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  const int64_t before = emit(*conn, "report-updated", "yt:aaaaaaaaaaa");
  std::optional<int64_t> given;
  {
    RunningGateway g1(gateway_options(db.url()));
    RawClient cl(g1.port, "/api/report-events");
    REQUIRE(connected(cl));
    CHECK(cl.event_count() == 0);
    given = last_id_field(cl);
  }
  REQUIRE(given);
  CHECK(*given == before);  // everything up to here is the client's past
  // While no gateway runs.
  const int64_t a = emit(*conn, "audio-ready", "yt:aaaaaaaaaaa");
  const int64_t b = emit(*conn, "audio-synced", "yt:aaaaaaaaaaa");
  RunningGateway g2(gateway_options(db.url()));
  RawClient again(g2.port, "/api/report-events?batch=0", last_event_id_header(*given));
  REQUIRE(again.read_until([&] { return again.event_count() >= 2; }, 5s));
  CHECK(ids_of(again) == std::vector<int64_t>{a, b});

  // A filtered client's replay ends with the resume id, even when its last
  // matching event is far behind.
  RawClient filtered(g2.port, "/api/report-events?types=audio-ready", last_event_id_header(*given));
  REQUIRE(filtered.read_until([&] { return filtered.event_count() >= 1 && last_id_field(filtered) == b; }, 5s));
  CHECK(ids_of(filtered) == std::vector<int64_t>{a});
}

TEST_CASE("two gateway replicas both deliver every event; batching merges per video") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g1(gateway_options(db.url()));
  RunningGateway g2(gateway_options(db.url()));
  RawClient a(g1.port, "/api/report-events?batch=0");
  RawClient b(g2.port, "/api/report-events?batch=0");
  auto o = gateway_options(db.url());
  RawClient batched(g2.port, "/api/report-events?video_id=yt:aaaaaaaaaaa");
  REQUIRE(connected(a));
  REQUIRE(connected(b));
  REQUIRE(connected(batched));
  std::vector<int64_t> want;
  {
    // One transaction: the three events commit together and land in one window.
    pqxx::work tx(*conn);
    want.push_back(events::emit(tx, "report-updated", std::string("yt:aaaaaaaaaaa"), {{"variant", "comprehensive"}}));
    want.push_back(events::emit(tx, "report-updated", std::string("yt:aaaaaaaaaaa"), {{"variant", "key-insights"}}));
    want.push_back(events::emit(tx, "report-updated", std::string("yt:bbbbbbbbbbb"), {{"variant", "audio"}}));
    tx.commit();
  }
  REQUIRE(a.read_until([&] { return a.event_count() >= 3; }, 5s));
  REQUIRE(b.read_until([&] { return b.event_count() >= 3; }, 5s));
  CHECK(ids_of(a) == want);
  CHECK(ids_of(b) == want);
  REQUIRE(batched.read_until([&] { return batched.event_count() >= 1; }, 5s));
  auto merged = nlohmann::json::parse(batched.events()[0].data);
  CHECK(batched.events()[0].id == std::to_string(want[1]));
  CHECK(merged["variants"] == nlohmann::json({"comprehensive", "key-insights"}));
}

TEST_CASE("the report cache serves until an event for the video invalidates it") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive"});
  seed_report(*conn, "yt:bbbbbbbbbbb", {"comprehensive"});
  auto o = gateway_options(db.url());
  o.report_cache_ttl = 60s;  // only events may refresh it here
  RunningGateway g(o);
  auto c = g.client();
  auto variants = [&](const char* id) {
    return body_json(c.Get(std::string("/api/reports/") + id))["summary"]["variants"].size();
  };
  REQUIRE(variants("yt:aaaaaaaaaaa") == 1);
  REQUIRE(variants("yt:bbbbbbbbbbb") == 1);
  for (const char* id : {"yt:aaaaaaaaaaa", "yt:bbbbbbbbbbb"}) {
    pqxx::work tx(*conn);
    seed_summary_row(tx, id, "key-insights");
    tx.commit();
  }
  CHECK(variants("yt:aaaaaaaaaaa") == 1);  // cached: no event yet
  auto ev = emit(*conn, "report-updated", "yt:aaaaaaaaaaa", {{"variant", "key-insights"}});
  REQUIRE(wait_for([&] { return g.gw->feed().cursor() >= ev; }, 5s));
  CHECK(variants("yt:aaaaaaaaaaa") == 2);
  CHECK(variants("yt:bbbbbbbbbbb") == 1);  // another video's event does not touch it
  // The list uses the same cache.
  auto list = body_json(c.Get("/api/reports?q=aaaa"));
  CHECK(list["items"][0]["summary"]["variants"].size() == 2);
}

TEST_CASE("SSE counters and the client gauge reach /api/metrics, summed over replicas") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g1(gateway_options(db.url()));
  auto o2 = gateway_options(db.url());
  o2.sse.heartbeat = 200ms;  // a closed client is noticed at its next write
  RunningGateway g2(o2);
  RawClient a(g1.port, "/api/report-events?batch=0");
  RawClient b(g2.port, "/api/report-events?batch=0");
  RawClient b2(g2.port, "/api/report-events?batch=0");
  REQUIRE(connected(a));
  REQUIRE(connected(b));
  REQUIRE(connected(b2));
  auto id = emit(*conn, "report-updated", "yt:aaaaaaaaaaa");
  REQUIRE(a.read_until([&] { return a.event_count() >= 1; }, 5s));
  REQUIRE(b.read_until([&] { return b.event_count() >= 1; }, 5s));
  REQUIRE(g1.gw->feed().write_metrics(nullptr));
  REQUIRE(g2.gw->feed().write_metrics(nullptr));
  auto m = body_json(g1.client().Get("/api/metrics"));
  CHECK(m["sse_clients_current"] == 3);
  CHECK(m["counters"]["sse_clients_total"] == 3);
  CHECK(m["counters"]["sse_events_broadcast"] == 2);  // one event, broadcast by each replica
  CHECK(id > 0);
  // Writing again adds nothing: deltas, not totals.
  REQUIRE(g1.gw->feed().write_metrics(nullptr));
  CHECK(body_json(g1.client().Get("/api/metrics"))["counters"]["sse_clients_total"] == 3);
  // A closed stream leaves the gauge once its slot is freed.
  b2.close();
  CHECK(wait_for([&] { return g2.gw->broker().counters().clients_current == 1; }, 5s));
  REQUIRE(g2.gw->feed().write_metrics(nullptr));
  CHECK(body_json(g1.client().Get("/api/metrics"))["sse_clients_current"] == 2);
}
