// The gateway's plain endpoints and their error paths, over loopback HTTP.
#include <doctest/doctest.h>

#include <unistd.h>

#include <set>

#include "events/types.h"
#include "fixture.h"
#include "metrics/metrics.h"
#include "queue/queue.h"
#include "store/audio.h"

using namespace td;
using namespace td::test;

namespace {

const char* kJson = "application/json";

}  // namespace

TEST_CASE("health, readiness, unknown routes and wrong methods answer JSON") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));
  auto c = g.client();

  auto h = c.Get("/healthz");
  REQUIRE(h);
  CHECK(h->status == 200);
  auto r = c.Get("/readyz");
  CHECK(r->status == 200);
  CHECK(body_json(r)["status"] == "ready");

  auto nf = c.Get("/api/nothing-here");
  CHECK(nf->status == 404);
  CHECK(body_json(nf)["error"].get<std::string>().find("no route") != std::string::npos);

  auto wm = c.Put("/api/submit", "{}", kJson);
  CHECK(wm->status == 405);
  CHECK(wm->get_header_value("Allow") == "POST");
  CHECK(body_json(wm).contains("error"));
  auto wm2 = c.Post("/api/reports", "{}", kJson);
  CHECK(wm2->status == 405);

  auto page = c.Get("/");
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type").find("text/html") == 0);
  CHECK(page->body.find("new EventSource(withToken(\"/api/report-events\"") !=
        std::string::npos);  // tests/browser runs it
}

TEST_CASE("the dashboard listens to every outbox event type, from the one list") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));
  auto page = g.client().Get("/");
  REQUIRE(page);
  REQUIRE(page->status == 200);
  const std::string mark = "const types = ";
  auto at = page->body.find(mark);
  REQUIRE(at != std::string::npos);
  auto end = page->body.find(';', at);
  REQUIRE(end != std::string::npos);
  auto listed = nlohmann::json::parse(page->body.substr(at + mark.size(), end - at - mark.size()));
  auto served = listed.get<std::set<std::string>>();
  CHECK(served == std::set<std::string>(events::kAllTypes.begin(), events::kAllTypes.end()));
  CHECK(listed.size() == events::kAllTypes.size());
}

TEST_CASE("submit enqueues one ingest job per video and refuses bad input without writing") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));
  auto c = g.client();

  auto ok = c.Post(
      "/api/submit",
      R"({"url": "https://youtu.be/dQw4w9WgXcQ?t=42", "variants": ["bullet-points", "audio-fr:beginner"]})", kJson);
  REQUIRE(ok);
  REQUIRE(ok->status == 202);
  auto j = body_json(ok);
  CHECK(j["video_id"] == "yt:dQw4w9WgXcQ");
  CHECK(j["created"] == true);
  const int64_t job = j["job_id"].get<int64_t>();
  {
    pqxx::read_transaction tx(*conn);
    auto row = tx.exec_params1("SELECT kind, payload::text FROM jobs WHERE id = $1", job);
    CHECK(row[0].as<std::string>() == "ingest");
    auto p = nlohmann::json::parse(row[1].as<std::string>());
    CHECK(p["variants"] == nlohmann::json({"bullet-points", "audio-fr:beginner"}));
    CHECK(p["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
  }

  // Same video again (another link form): the pending job, nothing new.
  auto again = c.Post("/api/submit", R"({"url": "dQw4w9WgXcQ"})", kJson);
  REQUIRE(again->status == 202);
  CHECK(body_json(again)["job_id"] == job);
  CHECK(body_json(again)["created"] == false);

  // Defaults apply when variants are omitted; a user transcript is carried.
  auto other = c.Post("/api/submit",
                      R"({"url": "https://www.youtube.com/watch?v=abcdefghijk", "transcript": "hello there"})", kJson);
  REQUIRE(other->status == 202);
  CHECK(body_json(other)["variants"] == nlohmann::json({"comprehensive", "audio"}));

  const int64_t jobs_before = count_rows(*conn, "SELECT count(*) FROM jobs");
  struct Bad {
    std::string body;
    std::string needle;
  };
  const Bad bad[] = {
      {"{not json", "not valid JSON"},
      {"[1,2]", "JSON object"},
      {R"({"url": 42})", "'url' must be a string"},
      {R"({"variants": ["audio"]})", "'url' is required"},
      {R"({"url": "https://www.youtube.com/playlist?list=PL123"})", "playlist"},
      {R"({"url": "https://vimeo.com/12345"})", ""},
      {R"({"url": "dQw4w9WgXcQ", "variants": ["summary"]})", "comprehensive"},
      {R"({"url": "dQw4w9WgXcQ", "variants": "nope"})", "comprehensive"},
      {R"({"url": "dQw4w9WgXcQ", "variants": [1]})", "list of strings"},
      {R"({"url": "dQw4w9WgXcQ", "variants": []})", "at least one"},
      {R"({"url": "dQw4w9WgXcQ", "variant": ["audio"]})", "unknown field 'variant'"},
      {R"({"url": "dQw4w9WgXcQ", "transcript": "   "})", "transcript"},
      {R"({"url": "dQw4w9WgXcQ", "transcript": {"a": 1}})", "'transcript' must be a string"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.body);
    auto r = c.Post("/api/submit", b.body, kJson);
    REQUIRE(r);
    CHECK(r->status == 400);
    auto e = body_json(r)["error"].get<std::string>();
    CHECK(!e.empty());
    if (!b.needle.empty()) CHECK(e.find(b.needle) != std::string::npos);
  }
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == jobs_before);

  // 10 MB: 413, and the gateway keeps serving on a new connection.
  std::string big(10 << 20, 'x');
  auto tooBig = c.Post("/api/submit", big, kJson);
  REQUIRE(tooBig);
  CHECK(tooBig->status == 413);
  CHECK(body_json(tooBig).contains("error"));
  // Chunked (no Content-Length) is capped the same way.
  auto chunked = c.Post(
      "/api/submit",
      [&](size_t offset, httplib::DataSink& sink) {
        if (offset >= big.size()) {
          sink.done();
          return true;
        }
        return sink.write(big.data() + offset, std::min<size_t>(65536, big.size() - offset));
      },
      kJson);
  if (chunked) CHECK(chunked->status == 413);  // or the connection was closed on us: also fine
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == jobs_before);
  CHECK(g.client().Get("/healthz")->status == 200);
}

TEST_CASE("submit takes \"refresh\": true into the ingest job and refuses a refresh that is not a boolean") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));
  auto c = g.client();
  auto payload = [&](int64_t job) {
    pqxx::read_transaction tx(*conn);
    auto row = tx.exec_params1("SELECT payload::text, dedup_key FROM jobs WHERE id = $1", job);
    return std::make_pair(nlohmann::json::parse(row[0].as<std::string>()), row[1].as<std::string>());
  };

  // Without refresh (or false, or null) the payload is as before.
  auto plain = c.Post("/api/submit", R"({"url": "dQw4w9WgXcQ", "refresh": false})", kJson);
  REQUIRE(plain->status == 202);
  CHECK(body_json(plain)["refresh"] == false);
  const int64_t plain_job = body_json(plain)["job_id"].get<int64_t>();
  auto [p0, key0] = payload(plain_job);
  CHECK_FALSE(p0.contains("refresh"));
  CHECK(key0 == "ingest:yt:dQw4w9WgXcQ");
  auto null_refresh = c.Post("/api/submit", R"({"url": "dQw4w9WgXcQ", "refresh": null})", kJson);
  REQUIRE(null_refresh->status == 202);
  CHECK(body_json(null_refresh)["job_id"] == plain_job);

  // A refresh is its own job beside the pending plain one; again: the same.
  auto refresh = c.Post("/api/submit", R"({"url": "https://youtu.be/dQw4w9WgXcQ", "refresh": true})", kJson);
  REQUIRE(refresh->status == 202);
  auto rj = body_json(refresh);
  CHECK(rj["refresh"] == true);
  CHECK(rj["created"] == true);
  const int64_t refresh_job = rj["job_id"].get<int64_t>();
  CHECK(refresh_job != plain_job);
  auto [p1, key1] = payload(refresh_job);
  CHECK(p1["refresh"] == true);
  CHECK(key1 == "ingest-refresh:yt:dQw4w9WgXcQ");
  auto again = c.Post("/api/submit", R"({"url": "dQw4w9WgXcQ", "refresh": true})", kJson);
  CHECK(body_json(again)["job_id"] == refresh_job);
  CHECK(body_json(again)["created"] == false);

  // With a transcript: both travel (the transcript replaces the stored one;
  // refresh skips the metadata cache).
  auto both = c.Post("/api/submit", R"({"url": "abcdefghijk", "transcript": "my words", "refresh": true})", kJson);
  REQUIRE(both->status == 202);
  auto [p2, key2] = payload(body_json(both)["job_id"].get<int64_t>());
  CHECK(p2["transcript"] == "my words");
  CHECK(p2["refresh"] == true);

  const int64_t jobs_before = count_rows(*conn, "SELECT count(*) FROM jobs");
  for (const char* body : {R"({"url": "dQw4w9WgXcQ", "refresh": "true"})", R"({"url": "dQw4w9WgXcQ", "refresh": 1})",
                           R"({"url": "dQw4w9WgXcQ", "refresh": [true]})", R"({"url": "dQw4w9WgXcQ", "refresh": {}})",
                           R"({"url": "bbbbbbbbbbb", "refresh": 0})"}) {
    CAPTURE(body);
    auto r = c.Post("/api/submit", body, kJson);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(r->get_header_value("Content-Type").find("application/json") == 0);
    CHECK(body_json(r)["error"] == "'refresh' must be true or false");
  }
  auto misspelt = c.Post("/api/submit", R"({"url": "dQw4w9WgXcQ", "refreshed": true})", kJson);
  CHECK(misspelt->status == 400);
  CHECK(body_json(misspelt)["error"].get<std::string>().find("refresh") != std::string::npos);  // listed as known
  CHECK(count_rows(*conn, "SELECT count(*) FROM jobs") == jobs_before);
  CHECK(count_rows(*conn, "SELECT count(*) FROM videos WHERE id = 'yt:bbbbbbbbbbb'") == 0);

  // Where ingests took their transcripts from is counted (services/ingest).
  {
    pqxx::work tx(*conn);
    metrics::increment(tx, "ingest_transcript_stored", 2);
    tx.commit();
  }
  auto m = body_json(c.Get("/api/metrics"));
  CHECK(m["counters"]["ingest_transcript_stored"] == 2);
  CHECK(m["counters"]["ingest_transcript_fetched"] == 0);
  CHECK(m["counters"]["ingest_transcript_user"] == 0);
  auto prom = c.Get("/metrics")->body;
  CHECK(prom.find("# TYPE tubedigest_ingest_transcripts_total counter\n") != std::string::npos);
  CHECK(prom.find("tubedigest_ingest_transcripts_total{from=\"stored\"} 2\n") != std::string::npos);
  CHECK(prom.find("tubedigest_ingest_transcripts_total{from=\"fetched\"} 0\n") != std::string::npos);
}

TEST_CASE("Fallbacks: summary and tts fallbacks by from, to, reason in /api/metrics and labelled in /metrics") {
  TestDatabase db("gw_fallbacks");
  auto conn = migrated_connection(db.url());
  auto o = gateway_options(db.url());
  o.metrics_cache_ttl = std::chrono::milliseconds(0);
  RunningGateway g(o);
  auto c = g.client();
  auto before = body_json(c.Get("/api/metrics"));
  CHECK(before["summary_fallbacks"] == nlohmann::json::array());
  CHECK(before["tts_fallbacks"] == nlohmann::json::array());
  CHECK(c.Get("/metrics")->body.find("fallbacks_total") == std::string::npos);
  {
    pqxx::work tx(*conn);
    metrics::increment(tx, "summary_fallbacks", {{"from", "openai"}, {"to", "extractive"}, {"reason", "llm_auth"}}, 3);
    metrics::increment(tx, "summary_fallbacks", {{"from", "openai"}, {"to", "extractive"}, {"reason", "word_range"}});
    metrics::increment(tx, "tts_fallbacks", {{"from", "openai:tts-1"}, {"to", "espeak"}, {"reason", "tts_auth"}});
    tx.commit();
  }
  auto m = body_json(c.Get("/api/metrics"));
  CHECK(m["summary_fallbacks"] ==
        nlohmann::json::array({{{"from", "openai"}, {"to", "extractive"}, {"reason", "llm_auth"}, {"count", 3}},
                               {{"from", "openai"}, {"to", "extractive"}, {"reason", "word_range"}, {"count", 1}}}));
  CHECK(m["tts_fallbacks"] ==
        nlohmann::json::array({{{"from", "openai:tts-1"}, {"to", "espeak"}, {"reason", "tts_auth"}, {"count", 1}}}));
  for (const auto& [name, v] : m["counters"].items()) CHECK_MESSAGE(name.find('{') == std::string::npos, name);
  auto prom = c.Get("/metrics")->body;
  CHECK(prom.find("# TYPE tubedigest_summary_fallbacks_total counter\n") != std::string::npos);
  CHECK(prom.find("tubedigest_summary_fallbacks_total{from=\"openai\",to=\"extractive\",reason=\"llm_auth\"} 3\n") !=
        std::string::npos);
  CHECK(prom.find("tubedigest_summary_fallbacks_total{from=\"openai\",to=\"extractive\",reason=\"word_range\"} 1\n") !=
        std::string::npos);
  CHECK(prom.find("tubedigest_tts_fallbacks_total{from=\"openai:tts-1\",to=\"espeak\",reason=\"tts_auth\"} 1\n") !=
        std::string::npos);
  CHECK(prom.find("summary_fallbacks{") == std::string::npos);  // not repeated as a raw counter name
}

TEST_CASE("API_AUTH_TOKEN guards submit and delete") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  auto o = gateway_options(db.url());
  o.api_token = "s3cret-token";
  RunningGateway g(o);
  auto c = g.client();
  auto body = R"({"url": "dQw4w9WgXcQ"})";
  CHECK(c.Post("/api/submit", body, kJson)->status == 401);
  CHECK(c.Post("/api/submit", {{"Authorization", "Bearer wrong"}}, body, kJson)->status == 401);
  CHECK(c.Post("/api/submit", {{"Authorization", "Basic czNjcmV0LXRva2Vu"}}, body, kJson)->status == 401);
  CHECK(c.Post("/api/submit", {{"Authorization", "Bearer s3cret-token"}}, body, kJson)->status == 202);
  CHECK(c.Delete("/api/reports/yt:dQw4w9WgXcQ")->status == 401);
  CHECK(count_rows(*conn, "SELECT count(*) FROM videos") == 1);
  CHECK(c.Delete("/api/reports/yt:dQw4w9WgXcQ", {{"Authorization", "bearer s3cret-token"}})->status == 200);
  // Reads stay open.
  CHECK(c.Get("/api/reports")->status == 200);
}

TEST_CASE("reports: one report, the paginated list, and bad ids") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  const std::vector<std::string> ids = {"yt:aaaaaaaaaaa", "yt:bbbbbbbbbbb", "yt:ccccccccccc"};
  for (const auto& id : ids) seed_report(*conn, id, {"comprehensive", "key-insights"});
  RunningGateway g(gateway_options(db.url()));
  auto c = g.client();

  auto r = c.Get("/api/reports/yt:bbbbbbbbbbb");
  REQUIRE(r->status == 200);
  auto j = body_json(r);
  CHECK(j["video_id"] == "yt:bbbbbbbbbbb");
  CHECK(j["video"]["title"] == "Seeded yt:bbbbbbbbbbb");
  CHECK(j["transcript"]["language"] == "en");
  REQUIRE(j["summary"]["variants"].size() == 2);
  CHECK(j["summary"]["variants"][0]["text"].get<std::string>().find("Summary") == 0);
  CHECK(j.contains("jobs"));
  // ETag -> 304.
  auto etag = r->get_header_value("ETag");
  REQUIRE(!etag.empty());
  CHECK(c.Get("/api/reports/yt:bbbbbbbbbbb", {{"If-None-Match", etag}})->status == 304);

  CHECK(c.Get("/api/reports/yt:zzzzzzzzzzz")->status == 404);
  for (const char* bad :
       {"/api/reports/yt:short", "/api/reports/..", "/api/reports/yt:aaaaaaaaaa%2F", "/api/reports/yt:aaaaaaaaaaa%00",
        "/api/reports/%2E%2E%2Fetc%2Fpasswd", "/api/reports/yt:aaaaaaaaaaa/../../etc"}) {
    CAPTURE(bad);
    auto b = c.Get(bad);
    REQUIRE(b);
    CHECK((b->status == 400 || b->status == 404));
    CHECK(body_json(b).contains("error"));
  }

  // Newest first, two pages of 2 + 1.
  auto p1 = c.Get("/api/reports?limit=2");
  REQUIRE(p1->status == 200);
  auto j1 = body_json(p1);
  REQUIRE(j1["items"].size() == 2);
  CHECK(j1["items"][0]["video_id"] == "yt:ccccccccccc");
  CHECK(!j1["items"][0]["summary"]["variants"][0].contains("text"));
  CHECK(j1["items"][0]["video"]["title"] == "Seeded yt:ccccccccccc");
  REQUIRE(j1["next_cursor"].is_string());
  auto p2 = c.Get("/api/reports?limit=2&cursor=" + j1["next_cursor"].get<std::string>());
  REQUIRE(p2->status == 200);
  auto j2 = body_json(p2);
  REQUIRE(j2["items"].size() == 1);
  CHECK(j2["items"][0]["video_id"] == "yt:aaaaaaaaaaa");
  CHECK(j2["next_cursor"].is_null());
  auto q = body_json(c.Get("/api/reports?q=bbbb"));
  REQUIRE(q["items"].size() == 1);
  CHECK(q["items"][0]["video_id"] == "yt:bbbbbbbbbbb");

  CHECK(c.Get("/api/reports?limit=0")->status == 400);
  CHECK(c.Get("/api/reports?limit=abc")->status == 400);
  CHECK(c.Get("/api/reports?limit=1000")->status == 400);
  CHECK(c.Get("/api/reports?cursor=garbage")->status == 400);
}

TEST_CASE("delete removes the video, emits report-deleted and removes its unshared audio files") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  char tmpl[] = "/tmp/td-gw-audio-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  seed_report(*conn, "yt:aaaaaaaaaaa", {"comprehensive"});
  std::string name;
  {
    pqxx::work tx(*conn);
    store::AudioRecord a;
    a.video_id = "yt:aaaaaaaaaaa";
    a.variant = "audio";
    a.summary_revision = 1;
    a.script_hash = "h1";
    a.engine = "espeak";
    a.duration_s = 1;
    name = *store::DirectoryAudioStore(dir).put(tx, a, sample_mp3()).path;
    tx.commit();
  }
  REQUIRE(::access((dir + "/" + name).c_str(), F_OK) == 0);
  auto o = gateway_options(db.url());
  o.audio_dir = dir;
  RunningGateway g(o);
  auto c = g.client();
  CHECK(c.Get("/api/audio/yt:aaaaaaaaaaa/audio.mp3")->status == 200);
  auto d = c.Delete("/api/reports/yt:aaaaaaaaaaa");
  REQUIRE(d->status == 200);
  CHECK(body_json(d)["files_removed"] == 1);
  CHECK(::access((dir + "/" + name).c_str(), F_OK) != 0);
  CHECK(c.Get("/api/reports/yt:aaaaaaaaaaa")->status == 404);
  CHECK(c.Delete("/api/reports/yt:aaaaaaaaaaa")->status == 404);
  CHECK(count_rows(*conn,
                   "SELECT count(*) FROM events WHERE type = 'report-deleted' AND video_id = 'yt:aaaaaaaaaaa'") == 1);
  CHECK(count_rows(*conn, "SELECT count(*) FROM audio") == 0);
  ::rmdir(dir.c_str());
}

TEST_CASE("header injection and odd requests get clean errors") {
  TestDatabase db("gw");
  auto conn = migrated_connection(db.url());
  RunningGateway g(gateway_options(db.url()));
  // CR LF encoded in the path must not become a header.
  auto a = raw_exchange(
      g.port,
      "GET /api/reports/yt:aaaaaaaaaaa%0d%0aX-Injected:%20yes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(a.find("HTTP/1.1 400") == 0);
  CHECK(a.find("\r\nX-Injected") == std::string::npos);
  CHECK(a.find(R"(invalid video id 'yt:aaaaaaaaaaa\\x0d\\x0aX-Injected: yes')") != std::string::npos);
  // A NUL in the id is shown, not a place where the message stops.
  auto nul = g.client().Get("/api/reports/yt:%00abc");
  REQUIRE(nul);
  CHECK(nul->status == 400);
  CHECK(nlohmann::json::parse(nul->body)["error"] == "invalid video id 'yt:\\x00abc': expected yt:<11-character id>");
  auto b =
      raw_exchange(g.port, "GET /api/nothing%0d%0aSet-Cookie:%20a=b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(b.find("HTTP/1.1 404") == 0);
  CHECK(b.find("\r\nSet-Cookie") == std::string::npos);
  // A bare CR inside a header value, and a garbage request line.
  auto c1 = raw_exchange(g.port, "GET /healthz HTTP/1.1\r\nHost: x\rX-Evil: 1\r\nConnection: close\r\n\r\n");
  CHECK(c1.find("\r\nX-Evil") == std::string::npos);
  auto d = raw_exchange(g.port, "NONSENSE\r\n\r\n");
  CHECK(d.find("HTTP/1.1 400") == 0);
  CHECK(g.client().Get("/healthz")->status == 200);
}

TEST_CASE("a dead Postgres gives 503 JSON, never a crash") {
  // A port nothing listens on.
  auto o = gateway_options("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
  RunningGateway g(o);
  auto c = g.client();
  CHECK(c.Get("/healthz")->status == 200);
  auto r = c.Get("/api/reports/yt:aaaaaaaaaaa");
  REQUIRE(r);
  CHECK(r->status == 503);
  CHECK(body_json(r)["error"].get<std::string>().find("database") != std::string::npos);
  CHECK(c.Get("/readyz")->status == 503);
  CHECK(c.Get("/api/metrics")->status == 503);
  CHECK(c.Post("/api/submit", R"({"url": "dQw4w9WgXcQ"})", kJson)->status == 503);
  CHECK(c.Get("/healthz")->status == 200);
}
