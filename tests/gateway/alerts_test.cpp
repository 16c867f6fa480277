// GET /api/alerts, the alerts in /api/metrics and /metrics, and the other
// /metrics families for Prometheus' rules (deploy/prometheus): build info,
// pauses, ingest HTTP errors, and requests counted by route template.
#include <doctest/doctest.h>

#include <string>

#include "alerts/leader.h"
#include "alerts/state.h"
#include "fixture.h"
#include "gateway/outbox_feed.h"
#include "metrics/metrics.h"
#include "store/pauses.h"
#include "tubedigest/build_version.h"

using namespace td;
using namespace td::test;

namespace {

const alerts::Alert kStalled{
    "QueueStalled",
    {{"kind", "ingest"}},
    {{"summary", "jobs of kind ingest are waiting and none finished for 600s"}, {"waiting", "4"}}};
const alerts::Alert kDead{"JobsDead", {{"kind", "tts"}}, {{"summary", "1 job(s) of kind tts went dead"}}};

// Both fire, then JobsDead resolves: one firing and one resolved alert, as
// the evaluator leaves them.
void seed_alerts(pqxx::connection& c) {
  {
    pqxx::work tx(c);
    alerts::apply(tx, {kDead, kStalled}, std::chrono::hours(1));
    tx.commit();
  }
  pqxx::work tx(c);
  alerts::apply(tx, {kStalled}, std::chrono::hours(1));
  tx.commit();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("AlertsEndpoint: firing first, then resolved, with the evaluator; a bad resolved_within is 400") {
  TestDatabase db("gw_alerts");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));
  auto c = g.client();

  auto empty = c.Get("/api/alerts");
  REQUIRE(empty);
  CHECK(empty->status == 200);
  CHECK(empty->get_header_value("Content-Type").find("application/json") == 0);
  auto e = body_json(empty);
  CHECK(e["alerts"] == nlohmann::json::array());
  CHECK(e["firing"] == 0);
  CHECK(e["evaluator"].is_null());
  CHECK(e["generated_at"].is_string());

  seed_alerts(*conn);
  {
    pqxx::work tx(*conn);
    alerts::mark_notified(tx, alerts::fingerprint(kStalled));
    CHECK(alerts::LeaderLease(alerts::kEvaluatorLease, "ingest@test:42", std::chrono::seconds(60)).try_acquire(tx));
    tx.commit();
  }
  auto r = c.Get("/api/alerts");
  REQUIRE(r->status == 200);
  auto j = body_json(r);
  CHECK(j["firing"] == 1);
  CHECK(j["evaluator"] == "ingest@test:42");
  REQUIRE(j["alerts"].size() == 2);
  const auto& firing = j["alerts"][0];
  CHECK(firing["fingerprint"] == alerts::fingerprint(kStalled));
  CHECK(firing["alertname"] == "QueueStalled");
  CHECK(firing["labels"] == nlohmann::json({{"kind", "ingest"}}));
  CHECK(firing["annotations"]["summary"] == "jobs of kind ingest are waiting and none finished for 600s");
  CHECK(firing["annotations"]["waiting"] == "4");
  CHECK(firing["status"] == "firing");
  CHECK(firing["starts_at"].is_string());
  CHECK(firing["ends_at"].is_null());
  CHECK(firing["last_notified_at"].is_string());
  const auto& resolved = j["alerts"][1];
  CHECK(resolved["fingerprint"] == alerts::fingerprint(kDead));
  CHECK(resolved["alertname"] == "JobsDead");
  CHECK(resolved["labels"] == nlohmann::json({{"kind", "tts"}}));
  CHECK(resolved["status"] == "resolved");
  CHECK(resolved["ends_at"].is_string());
  CHECK(resolved["last_notified_at"].is_null());

  // Resolved two hours ago: listed within 3h and by default (24h), not within 1h.
  {
    pqxx::work tx(*conn);
    tx.exec(
        "UPDATE alerts SET updated_at = now() - interval '2 hours', ends_at = now() - interval '2 hours' "
        "WHERE status = 'resolved'");
    tx.commit();
  }
  CHECK(body_json(c.Get("/api/alerts"))["alerts"].size() == 2);
  CHECK(body_json(c.Get("/api/alerts?resolved_within=3h"))["alerts"].size() == 2);
  auto recent = body_json(c.Get("/api/alerts?resolved_within=1h"));
  REQUIRE(recent["alerts"].size() == 1);
  CHECK(recent["alerts"][0]["status"] == "firing");
  CHECK(body_json(c.Get("/api/alerts?resolved_within=10800"))["alerts"].size() == 2);  // bare seconds, as settings

  for (const char* bad : {"abc", "-5m", "1e3s", "5x", "", "24h&resolved_within=1h", "%00", "99999d"}) {
    CAPTURE(bad);
    auto b = c.Get((std::string("/api/alerts?resolved_within=") + bad).c_str());
    REQUIRE(b);
    CHECK(b->status == 400);
    CHECK(body_json(b)["error"].get<std::string>().find("resolved_within") != std::string::npos);
  }
  CHECK(c.Post("/api/alerts", "{}", "application/json")->status == 405);
}

TEST_CASE("AlertsEndpoint: under API_AUTH_READS it needs the token, as the other reads") {
  TestDatabase db("gw_alerts_auth");
  auto conn = migrated_connection(db.url());
  auto o = gateway_options(db.url());
  o.api_token = "read-token-1";
  o.auth_reads = true;
  RunningGateway g(o);
  auto c = g.client();
  auto denied = c.Get("/api/alerts");
  REQUIRE(denied);
  CHECK(denied->status == 401);
  CHECK(denied->get_header_value("WWW-Authenticate") == "Bearer");
  CHECK(c.Get("/api/alerts", {{"Authorization", "Bearer wrong"}})->status == 401);
  CHECK(c.Get("/api/alerts", {{"Authorization", "Bearer read-token-1"}})->status == 200);
  CHECK(c.Get("/api/alerts?access_token=read-token-1&resolved_within=1h")->status == 200);
  CHECK(c.Get("/api/alerts?access_token=read-token-1", {{"Authorization", "Bearer read-token-1"}})->status == 400);
}

TEST_CASE("AlertsEndpoint: 503 while PostgreSQL is down") {
  RunningGateway g(gateway_options("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"));
  auto r = g.client().Get("/api/alerts");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(r->has_header("Retry-After"));
  CHECK(body_json(r).contains("error"));
}

TEST_CASE("Metrics: firing alerts, pauses, build info and ingest HTTP errors in /api/metrics and /metrics") {
  TestDatabase db("gw_alert_metrics");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));  // metrics_cache_ttl 0: every request reads afresh
  auto c = g.client();

  auto before = body_json(c.Get("/api/metrics"));
  CHECK(before["alerts"] == nlohmann::json::array());
  auto prom = c.Get("/metrics")->body;
  // Listed even when nothing fires or pauses, so a scraper knows them.
  CHECK(has(prom, "# TYPE tubedigest_alerts_firing gauge\n"));
  CHECK(!has(prom, "tubedigest_alerts_firing{"));
  CHECK(has(prom, "# TYPE tubedigest_youtube_paused gauge\n"));
  CHECK(!has(prom, "tubedigest_youtube_paused{"));
  CHECK(has(prom, "# TYPE tubedigest_build_info gauge\n"));
  CHECK(has(prom, std::string("tubedigest_build_info{version=\"") + kBuildVersion + "\"} 1\n"));
  CHECK(std::string(kBuildVersion).rfind("0.", 0) == 0);  // the CMake project version leads
  CHECK(has(prom, "tubedigest_ingest_http_errors_total{status_class=\"4xx\"} 0\n"));
  CHECK(has(prom, "tubedigest_ingest_http_errors_total{status_class=\"5xx\"} 0\n"));

  seed_alerts(*conn);
  {
    pqxx::work tx(*conn);
    store::set_pause(tx, "youtube", std::chrono::minutes(10), "Sign in to confirm you're not a bot");
    metrics::increment(tx, "ingest_http_errors", {{"status_class", "5xx"}}, 3);
    tx.commit();
  }
  auto m = body_json(c.Get("/api/metrics"));
  REQUIRE(m["alerts"].size() == 1);  // the resolved one is not there
  CHECK(m["alerts"][0] == nlohmann::json({{"fingerprint", alerts::fingerprint(kStalled)},
                                          {"alertname", "QueueStalled"},
                                          {"labels", {{"kind", "ingest"}}},
                                          {"summary", "jobs of kind ingest are waiting and none finished for 600s"},
                                          {"starts_at", m["alerts"][0]["starts_at"]}}));
  CHECK(m["alerts"][0]["starts_at"].is_string());
  for (const auto& [name, v] : m["counters"].items()) CHECK_MESSAGE(name.find('{') == std::string::npos, name);

  prom = c.Get("/metrics")->body;
  CHECK(has(prom, "tubedigest_alerts_firing{alertname=\"QueueStalled\",kind=\"ingest\"} 1\n"));
  CHECK(!has(prom, "alertname=\"JobsDead\""));
  CHECK(has(prom, "tubedigest_youtube_paused{pause=\"youtube\"} 1\n"));
  CHECK(has(prom, "tubedigest_ingest_http_errors_total{status_class=\"5xx\"} 3\n"));
  CHECK(has(prom, "tubedigest_ingest_http_errors_total{status_class=\"4xx\"} 0\n"));
  CHECK(!has(prom, "ingest_http_errors{"));  // not repeated as a raw counter name

  // A summary-less alert reads "" as its summary.
  {
    pqxx::work tx(*conn);
    alerts::apply(tx, {kStalled, alerts::Alert{"YouTubeThrottled", {{"pause", "youtube"}}, {}}}, std::chrono::hours(1));
    tx.commit();
  }
  m = body_json(c.Get("/api/metrics"));
  REQUIRE(m["alerts"].size() == 2);
  for (const auto& a : m["alerts"])
    if (a["alertname"] == "YouTubeThrottled") CHECK(a["summary"] == "");
}

TEST_CASE("Metrics: requests are counted by route template and status, exactly, and never by raw path") {
  TestDatabase db("gw_http_requests");
  auto conn = migrated_connection(db.url());
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive", "audio"}, "ID3-fake-mp3-bytes");
  auto o = gateway_options(db.url());
  o.sse_metrics_interval = std::chrono::hours(1);  // flushed by hand below, and at stop
  auto g = std::make_unique<RunningGateway>(o);
  auto c = g->client();

  CHECK(c.Get("/api/reports/yt:aaaaaaaaaaa")->status == 200);
  CHECK(c.Get("/api/reports/yt:aaaaaaaaaaa")->status == 200);
  CHECK(c.Get("/api/reports/yt:bbbbbbbbbbb")->status == 404);
  CHECK(c.Get("/api/reports/not-a-video")->status == 400);
  CHECK(c.Get("/api/audio/yt:aaaaaaaaaaa/audio.mp3")->status == 200);
  CHECK(c.Get("/api/reports?limit=5")->status == 200);
  CHECK(c.Get("/api/alerts")->status == 200);
  CHECK(c.Get("/no/such/path/yt:ccccccccccc")->status == 404);
  CHECK(c.Put("/api/submit", "{}", "application/json")->status == 405);
  // Refused before routing: broken framing, an unreadable request line, a 414.
  CHECK(raw_exchange(g->port, "POST /api/submit HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
            .find("HTTP/1.1 400") == 0);
  CHECK(raw_exchange(g->port, "NONSENSE\r\n\r\n").find("HTTP/1.1 400") == 0);
  CHECK(raw_exchange(g->port, "GET /api/reports/" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .find("HTTP/1.1 414") == 0);

  // In memory until the next write: nothing in the database yet.
  auto stored = [&](const std::string& route, int code) {
    pqxx::read_transaction tx(*conn);
    return metrics::snapshot(tx).counter(
        metrics::labelled_name("http_requests", {{"route", route}, {"code", std::to_string(code)}}));
  };
  CHECK(stored("/api/reports/{id}", 200) == 0);
  REQUIRE(g->gw->feed().write_metrics(nullptr));
  CHECK(stored("/api/reports/{id}", 200) == 2);
  CHECK(stored("/api/reports/{id}", 404) == 1);
  CHECK(stored("/api/reports/{id}", 400) == 1);
  CHECK(stored("/api/audio/{id}/{variant}.mp3", 200) == 1);
  CHECK(stored("/api/reports", 200) == 1);
  CHECK(stored("/api/alerts", 200) == 1);
  CHECK(stored("/api/submit", 405) == 1);
  CHECK(stored("other", 404) == 1);
  CHECK(stored("other", 400) == 2);
  CHECK(stored("other", 414) == 1);
  REQUIRE(g->gw->feed().write_metrics(nullptr));  // a second write adds nothing twice
  CHECK(stored("/api/reports/{id}", 200) == 2);

  auto prom = c.Get("/metrics")->body;
  CHECK(has(prom, "# TYPE tubedigest_http_requests_total counter\n"));
  CHECK(has(prom, "tubedigest_http_requests_total{route=\"/api/reports/{id}\",code=\"200\"} 2\n"));
  CHECK(has(prom, "tubedigest_http_requests_total{route=\"/api/audio/{id}/{variant}.mp3\",code=\"200\"} 1\n"));
  CHECK(has(prom, "tubedigest_http_requests_total{route=\"other\",code=\"404\"} 1\n"));
  CHECK(has(prom, "tubedigest_http_requests_total{route=\"other\",code=\"414\"} 1\n"));
  for (const char* raw : {"aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc", "not-a-video", "no/such"})
    CHECK_MESSAGE(!has(prom, raw), raw);

  // Stopping flushes what was counted since the last write.
  CHECK(c.Get("/api/reports/yt:aaaaaaaaaaa")->status == 200);
  g.reset();
  CHECK(stored("/api/reports/{id}", 200) == 3);
  CHECK(stored("/metrics", 200) == 1);
}
