// POST /api/reprocess, audio serving, and the metrics endpoints.
#include <doctest/doctest.h>

#include "common/hash.h"
#include "events/outbox.h"
#include "fixture.h"
#include "metrics/metrics.h"
#include "queue/queue.h"
#include "store/audio.h"
#include "store/transcripts.h"
#include "support/store_rows.h"

using namespace td;
using namespace td::test;

namespace {
const char* kJson = "application/json";
}

TEST_CASE("reprocess: fail closed, constant-time token, validation, scheduled then already_scheduled") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive", "key-insights"});
  const std::string body = R"({"video_id": "yt:aaaaaaaaaaa"})";
  {
    RunningGateway off(gateway_options(db.url()));
    auto r = off.client().Post("/api/reprocess", {{"X-Reprocess-Token", "anything"}}, body, kJson);
    CHECK(r->status == 503);
    CHECK(body_json(r)["error"] == "reprocess disabled: set REPROCESS_AUTH_TOKEN");
  }
  auto o = gateway_options(db.url());
  o.reprocess_token = "rp-token";
  RunningGateway g(o);
  auto c = g.client();
  CHECK(c.Post("/api/reprocess", body, kJson)->status == 403);
  CHECK(c.Post("/api/reprocess", {{"X-Reprocess-Token", "rp-tokex"}}, body, kJson)->status == 403);
  CHECK(c.Post("/api/reprocess", {{"X-Reprocess-Token", "rp-token-longer"}}, body, kJson)->status == 403);
  httplib::Headers tok{{"X-Reprocess-Token", "rp-token"}};
  auto bad = c.Post("/api/reprocess", tok,
                    R"({"video_id": "yt:aaaaaaaaaaa", "summary_types": ["comprehensive", "poem"]})", kJson);
  CHECK(bad->status == 400);
  CHECK(body_json(bad)["error"].get<std::string>().find("bullet-points") != std::string::npos);
  CHECK(c.Post("/api/reprocess", tok, R"({"video_id": "yt:zzzzzzzzzzz"})", kJson)->status == 404);
  CHECK(c.Post("/api/reprocess", tok, R"({"video_id": "yt:aaaaaaaaaaa", "regenerate_audio": "yes"})", kJson)->status ==
        400);
  CHECK(c.Post("/api/reprocess", tok, R"({})", kJson)->status == 400);
  CHECK(c.Post("/api/reprocess", tok, R"({"video_id": "yt:aaaaaaaaaaa", "url": "yt:bbbbbbbbbbb"})", kJson)->status ==
        400);
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == 0);

  // summary_types omitted: every variant the video has.
  auto r1 = c.Post("/api/reprocess", tok, body, kJson);
  REQUIRE(r1->status == 202);
  auto j1 = body_json(r1);
  CHECK(j1["status"] == "scheduled");
  CHECK(j1["video_id"] == "yt:aaaaaaaaaaa");
  CHECK(j1["variants"] == nlohmann::json({"comprehensive", "key-insights"}));
  REQUIRE(j1["job_ids"].size() == 2);
  td::test::check_reprocess_jobs(*conn, j1, false);
  // The same request while pending: same ids, no new jobs; the url form counts as the same video.
  auto r2 =
      c.Post("/api/reprocess", tok,
             R"({"url": "https://youtu.be/aaaaaaaaaaa", "summary_types": ["key-insights", "comprehensive"]})", kJson);
  REQUIRE(r2->status == 202);
  auto j2 = body_json(r2);
  CHECK(j2["status"] == "already_scheduled");
  CHECK(j2["job_ids"] == j1["job_ids"]);
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == 2);
  // With regenerate_audio it is another request.
  auto r3 = c.Post("/api/reprocess", tok,
                   R"({"video_id": "yt:aaaaaaaaaaa", "summary_types": ["audio"], "regenerate_audio": true})", kJson);
  REQUIRE(r3->status == 202);
  CHECK(body_json(r3)["status"] == "scheduled");
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == 3);

  CHECK(count_rows(*conn, "SELECT count(*) FROM events WHERE type = 'reprocess-scheduled'") == 2);
  {
    pqxx::read_transaction tx(*conn);
    auto data = nlohmann::json::parse(
        tx.exec1("SELECT data::text FROM events WHERE type = 'reprocess-scheduled' ORDER BY id LIMIT 1")[0]
            .as<std::string>());
    CHECK(data["job_ids"] == j1["job_ids"]);
    CHECK(metrics::snapshot(tx).counter("reprocess_requested") == 2);
  }
}

TEST_CASE("audio: Content-Length, ETag/304, Range 206/416, HEAD, unknown variants") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  const std::string& mp3 = sample_mp3();
  REQUIRE(mp3.size() > 1000);
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive", "audio"}, mp3);
  RunningGateway g(gateway_options(db.url()));
  auto c = g.client();
  const std::string url = "/api/audio/yt:aaaaaaaaaaa/audio.mp3";

  auto full = c.Get(url);
  REQUIRE(full->status == 200);
  CHECK(full->get_header_value("Content-Type") == "audio/mpeg");
  CHECK(full->get_header_value("Content-Length") == std::to_string(mp3.size()));
  CHECK(full->get_header_value("Accept-Ranges") == "bytes");
  CHECK(full->body == mp3);
  auto etag = full->get_header_value("ETag");
  CHECK(etag == "\"" + td::sha256_hex(mp3) + "\"");

  auto cached = c.Get(url, {{"If-None-Match", etag}});
  CHECK(cached->status == 304);
  CHECK(cached->body.empty());

  auto part = c.Get(url, {{"Range", "bytes=100-199"}});
  REQUIRE(part->status == 206);
  CHECK(part->body == mp3.substr(100, 100));
  CHECK(part->get_header_value("Content-Range") == "bytes 100-199/" + std::to_string(mp3.size()));
  auto tail = c.Get(url, {{"Range", "bytes=-10"}});
  REQUIRE(tail->status == 206);
  CHECK(tail->body == mp3.substr(mp3.size() - 10));
  auto past = c.Get(url, {{"Range", "bytes=" + std::to_string(mp3.size() + 5) + "-"}});
  CHECK(past->status == 416);
  CHECK(past->get_header_value("Content-Range") == "bytes */" + std::to_string(mp3.size()));

  auto head = c.Head(url);
  CHECK(head->status == 200);
  CHECK(head->get_header_value("Content-Length") == std::to_string(mp3.size()));

  CHECK(c.Get("/api/audio/yt:aaaaaaaaaaa/audio-fr.mp3")->status == 404);       // none stored
  CHECK(c.Get("/api/audio/yt:aaaaaaaaaaa/comprehensive.mp3")->status == 404);  // a text variant
  CHECK(c.Get("/api/audio/yt:aaaaaaaaaaa/bogus.mp3")->status == 404);
  CHECK(c.Get("/api/audio/yt:bad/audio.mp3")->status == 400);
  CHECK(c.Get("/api/audio/yt:aaaaaaaaaaa/..%2F..%2Fetc%2Fpasswd.mp3")->status >= 400);

  // The report points at it.
  auto rep = body_json(c.Get("/api/reports/yt:aaaaaaaaaaa"));
  bool found = false;
  for (const auto& v : rep["summary"]["variants"])
    if (v["variant"] == "audio") found = v["audio_url"] == url;
  CHECK(found);
}

TEST_CASE("metrics: the contract JSON keys and the Prometheus text format") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive"});
  {
    pqxx::work tx(*conn);
    metrics::increment(tx, "ingest_success", 3);
    metrics::increment(tx, "summarize_failure");
    metrics::observe(tx, "ingest_seconds", 0.2);
    metrics::observe(tx, "ingest_seconds", 2.0);
    metrics::observe(tx, "queue_wait_seconds", 0.01);
    queue::Queue().enqueue(tx, {"ingest", "{}"});
    queue::Queue().enqueue(tx, {"tts", "{}"});
    tx.commit();
  }
  RunningGateway g(gateway_options(db.url()));
  auto c = g.client();
  auto r = c.Get("/api/metrics");
  REQUIRE(r->status == 200);
  auto j = body_json(r);
  for (const char* k :
       {"counters", "sse_clients_current", "timings", "queues", "last_ingest_at", "last_ingest_video", "generated_at"})
    CHECK_MESSAGE(j.contains(k), k);
  for (const char* k : {"ingest_success", "ingest_failure", "summarize_success", "summarize_failure", "tts_success",
                        "tts_failure", "audio_generated", "audio_reused", "reprocess_requested", "reprocess_success",
                        "reprocess_failure", "sse_clients_total", "sse_events_broadcast", "sse_events_failed"})
    CHECK_MESSAGE(j["counters"].contains(k), k);
  CHECK(j["counters"]["ingest_success"] == 3);
  CHECK(j["counters"]["summarize_failure"] == 1);
  for (const char* k : {"ingest", "summarize", "tts", "queue_wait"}) {
    CAPTURE(k);
    REQUIRE(j["timings"].contains(k));
    for (const char* f : {"count", "p50", "p95", "max"}) CHECK(j["timings"][k].contains(f));
  }
  CHECK(j["timings"]["ingest"]["count"] == 2);
  CHECK(j["timings"]["ingest"]["max"].get<double>() == doctest::Approx(2.0));
  CHECK(j["timings"]["ingest"]["p50"].get<double>() > 0.1);
  for (const char* k : {"ingest", "summarize", "tts"}) {
    REQUIRE(j["queues"].contains(k));
    for (const char* f : {"queued", "running", "dead", "oldest_queued_age_s"}) CHECK(j["queues"][k].contains(f));
  }
  CHECK(j["queues"]["ingest"]["queued"] == 1);
  CHECK(j["queues"]["tts"]["queued"] == 1);
  CHECK(j["queues"]["summarize"]["queued"] == 0);
  CHECK(j["last_ingest_video"] == "yt:aaaaaaaaaaa");
  CHECK(j["last_ingest_at"].is_string());

  auto p = c.Get("/metrics");
  REQUIRE(p->status == 200);
  CHECK(p->get_header_value("Content-Type").find("text/plain; version=0.0.4") == 0);
  const auto& t = p->body;
  for (const char* line : {"# TYPE tubedigest_stage_jobs_total counter\n",
                           "tubedigest_stage_jobs_total{stage=\"ingest\",outcome=\"success\"} 3\n",
                           "tubedigest_stage_jobs_total{stage=\"summarize\",outcome=\"failure\"} 1\n",
                           "# TYPE tubedigest_stage_duration_seconds histogram\n",
                           "tubedigest_stage_duration_seconds_count{stage=\"ingest\"} 2\n",
                           "tubedigest_stage_duration_seconds_bucket{stage=\"ingest\",le=\"+Inf\"} 2\n",
                           "tubedigest_stage_duration_seconds_bucket{stage=\"ingest\",le=\"0.25\"} 1\n",
                           "tubedigest_queue_wait_seconds_count 1\n", "# TYPE tubedigest_sse_clients_current gauge\n",
                           "tubedigest_queue_jobs{kind=\"ingest\",state=\"queued\"} 1\n",
                           "tubedigest_reprocess_total{event=\"requested\"} 0\n", "# HELP tubedigest_audio_total "}) {
    CHECK_MESSAGE(t.find(line) != std::string::npos, line);
  }
  // Every sample line is `name{labels} value` with the prefix.
  std::istringstream in(t);
  std::string l;
  int samples = 0;
  while (std::getline(in, l)) {
    if (l.empty() || l[0] == '#') continue;
    ++samples;
    CHECK(l.rfind("tubedigest_", 0) == 0);
  }
  CHECK(samples > 40);
}
