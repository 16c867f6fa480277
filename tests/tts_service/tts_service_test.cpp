#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cmath>

#include "common/errors.h"
#include "common/hash.h"
#include "harness.h"
#include "metrics/metrics.h"
#include "store/report.h"
#include "store/reprocess.h"
#include "store/summaries.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "tts/factory.h"
#include "tts/hash.h"
#include "tts/mock_speech.h"
#include "tts/mp3_decode.h"

using namespace td::tts_service_test;
using td::store::TtsRequest;

namespace {

// Shares an engine that CountingEngine would otherwise own.
class ForwardingEngine final : public td::tts::TtsEngine {
 public:
  explicit ForwardingEngine(std::shared_ptr<td::tts::TtsEngine> inner) : inner_(std::move(inner)) {}
  td::tts::SpeechPlan plan(const td::tts::SpeechRequest& r) const override { return inner_->plan(r); }
  td::tts::Mp3Audio synthesize(const std::string& script, const td::tts::SpeechRequest& r) override {
    return inner_->synthesize(script, r);
  }

 private:
  std::shared_ptr<td::tts::TtsEngine> inner_;
};

std::shared_ptr<td::store::AudioStore> postgres_store() { return std::make_shared<td::store::PostgresAudioStore>(); }

// What a player hears matches the row: duration within a frame or two of the
// recorded seconds (decoder priming aside), and it is speech, not silence.
void check_playable(const std::string& mp3, const td::store::AudioRecord& rec) {
  auto d = td::tts::test::decode_mp3(mp3);
  CHECK(d.channels == 1);
  CHECK(d.seconds() > 3.0);
  CHECK(std::abs(d.seconds() - rec.duration_s) < 0.08);
  CHECK(d.rms() > 300);
  CHECK(td::sha256_hex(mp3) == rec.sha256);
  CHECK(int64_t(mp3.size()) == rec.bytes);
}

}  // namespace

TEST_CASE("Generates: a tts job stores a playable MP3, counts it, audio-ready then audio-synced once all are spoken") {
  td::test::TestDatabase db("ttsgen");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:gen00000001", {"bullet-points", "audio", "audio-fr:beginner"});
  int rev = seed_summary(*conn, "yt:gen00000001", "audio", kEnglishScript);
  seed_summary(*conn, "yt:gen00000001", "audio-fr:beginner",
               "Les panneaux solaires transforment la lumière en électricité. Les prix ont beaucoup baissé.", "fr");
  auto engine = espeak_engine();
  RunningStage stage(db.url(), engine, postgres_store());

  auto j1 = enqueue_tts(*conn, {"yt:gen00000001", "audio", rev, false, std::nullopt});
  REQUIRE(wait_finished(*conn, j1) == "done");
  auto rows = audio_rows(*conn, "yt:gen00000001");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].variant == "audio");
  CHECK(rows[0].summary_revision == rev);
  CHECK(rows[0].store == "postgres");
  CHECK(rows[0].engine == "espeak");
  CHECK(rows[0].voice == std::optional<std::string>("en-us"));
  check_playable(load(*conn, rows[0]), rows[0]);
  // Only audio-ready: audio-fr:beginner is requested and not spoken yet.
  auto ev = events(*conn);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].type == "audio-ready");
  CHECK(ev[0].data["url"] == "/api/audio/yt:gen00000001/audio.mp3");
  CHECK(ev[0].data["variant"] == "audio");
  CHECK(ev[0].data["revision"] == rev);
  CHECK(ev[0].data["reused"] == false);
  CHECK(std::abs(ev[0].data["duration"].get<double>() - rows[0].duration_s) < 1e-9);

  auto j2 = enqueue_tts(*conn, {"yt:gen00000001", "audio-fr:beginner", 1, false, std::nullopt});
  REQUIRE(wait_finished(*conn, j2) == "done");
  rows = audio_rows(*conn, "yt:gen00000001");
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].variant == "audio-fr:beginner");
  CHECK(rows[1].voice == std::optional<std::string>("fr"));
  CHECK(rows[1].rate != rows[0].rate);  // beginner speaks slower
  auto fr = td::tts::test::decode_mp3(load(*conn, rows[1]));
  CHECK(std::abs(fr.seconds() - rows[1].duration_s) < 0.08);
  ev = events(*conn);
  REQUIRE(ev.size() == 3);
  CHECK(ev[1].type == "audio-ready");
  CHECK(ev[2].type == "audio-synced");
  CHECK(ev[2].data["variants"] == nlohmann::json::array({"audio", "audio-fr:beginner"}));

  CHECK(engine->calls == 2);
  CHECK(counter(*conn, "tts_success") == 2);
  CHECK(counter(*conn, "audio_generated") == 2);
  CHECK(counter(*conn, "audio_reused") == 0);
  CHECK(histogram_count(*conn, "tts_seconds") == 2);
  CHECK(histogram_count(*conn, "tts_audio_seconds") == 2);
  CHECK(histogram_count(*conn, "queue_wait_seconds") == 2);
}

TEST_CASE("Reuse: the same script reuses the stored MP3 unless regenerate_audio, which synthesizes again") {
  td::test::TestDatabase db("ttsreuse");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:reuse000001", {"audio"});
  seed_summary(*conn, "yt:reuse000001", "audio", kEnglishScript);
  auto engine = espeak_engine();
  RunningStage stage(db.url(), engine, postgres_store());

  REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:reuse000001", "audio", 1, false, std::nullopt})) == "done");
  // The summarizer rewrote the summary with the same words (revision 2): same hash.
  int rev2 = seed_summary(*conn, "yt:reuse000001", "audio", kEnglishScript);
  REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:reuse000001", "audio", rev2, false, std::nullopt})) == "done");
  auto rows = audio_rows(*conn, "yt:reuse000001");
  REQUIRE(rows.size() == 2);
  CHECK(engine->calls == 1);
  CHECK(rows[1].reused_from == std::optional<int64_t>(rows[0].id));
  CHECK(rows[1].summary_revision == rev2);
  CHECK(rows[1].sha256 == rows[0].sha256);
  CHECK(rows[1].script_hash == rows[0].script_hash);
  CHECK(load(*conn, rows[1]) == load(*conn, rows[0]));
  CHECK(counter(*conn, "audio_reused") == 1);
  CHECK(counter(*conn, "audio_generated") == 1);
  CHECK(histogram_count(*conn, "tts_seconds") == 1);  // reuse costs no synthesis time
  auto ev = events(*conn);
  REQUIRE(ev.size() == 4);  // ready, synced, ready (reused), synced
  CHECK(ev[2].type == "audio-ready");
  CHECK(ev[2].data["reused"] == true);
  CHECK(ev[3].type == "audio-synced");

  REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:reuse000001", "audio", rev2, true, std::nullopt})) == "done");
  rows = audio_rows(*conn, "yt:reuse000001");
  REQUIRE(rows.size() == 3);
  CHECK(engine->calls == 2);
  CHECK_FALSE(rows[2].reused_from.has_value());
  CHECK(counter(*conn, "audio_generated") == 2);
  check_playable(load(*conn, rows[2]), rows[2]);
}

TEST_CASE("DirectoryStore: AUDIO_DIR keeps the MP3 as a file named in the row, loadable, no temp files left") {
  td::test::TestDatabase db("ttsdir");
  auto conn = td::test::migrated_connection(db.url());
  TempDir dir;
  ::setenv("AUDIO_DIR", dir.path().c_str(), 1);
  std::shared_ptr<td::store::AudioStore> store = td::store::audio_store_from_env();
  ::unsetenv("AUDIO_DIR");
  CHECK(store->name() == "dir");
  seed_video(*conn, "yt:dir00000001", {"audio-es"});
  seed_summary(*conn, "yt:dir00000001", "audio-es", "La energía solar es barata. Las baterías guardan la energía.",
               "es");
  RunningStage stage(db.url(), espeak_engine(), store);
  REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:dir00000001", "audio-es", 1, false, std::nullopt})) == "done");
  auto rows = audio_rows(*conn, "yt:dir00000001");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].store == "dir");
  REQUIRE(rows[0].path.has_value());
  CHECK(dir.files() == std::vector<std::string>{*rows[0].path});
  std::string mp3 = load(*conn, rows[0], dir.path());
  check_playable(mp3, rows[0]);
  {
    pqxx::read_transaction tx(*conn);
    CHECK(tx.exec_params("SELECT data IS NULL FROM audio WHERE id = $1", rows[0].id)[0][0].as<bool>());
  }
}

TEST_CASE("Idempotent: a job run again after it stored its audio completes without a second row") {
  td::test::TestDatabase db("ttsidem");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:idem0000001", {"audio"});
  seed_summary(*conn, "yt:idem0000001", "audio", kEnglishScript);
  auto engine = espeak_engine();
  RunningStage stage(db.url(), engine, postgres_store());
  auto job = enqueue_tts(*conn, {"yt:idem0000001", "audio", 1, true, std::nullopt});
  REQUIRE(wait_finished(*conn, job) == "done");
  {
    // As a rescue does: the same job, same id and payload, back in the queue.
    pqxx::work tx(*conn);
    tx.exec_params(
        "UPDATE jobs SET status = 'queued', run_at = now(), finished_at = NULL, lease_owner = NULL "
        "WHERE id = $1",
        job);
    tx.commit();
  }
  REQUIRE(td::test::eventually(
      [&] {
        pqxx::read_transaction tx(*conn);
        return tx.exec_params("SELECT status = 'done' AND attempts = 2 FROM jobs WHERE id = $1", job)[0][0].as<bool>();
      },
      std::chrono::seconds(30)));
  CHECK(audio_rows(*conn, "yt:idem0000001").size() == 1);
  CHECK(engine->calls == 1);
  CHECK(counter(*conn, "audio_generated") == 1);
  CHECK(counter(*conn, "tts_success") == 1);
}

TEST_CASE("BadInput: an empty script or a text variant dies at once with audio-sync-failed and tts_failure") {
  td::test::TestDatabase db("ttsbad");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:empty000001", {"audio", "comprehensive"});
  seed_summary(*conn, "yt:empty000001", "audio", "  \n ");
  seed_summary(*conn, "yt:empty000001", "comprehensive", kEnglishScript);
  auto engine = espeak_engine();
  RunningStage stage(db.url(), engine, postgres_store());

  auto j1 = enqueue_tts(*conn, {"yt:empty000001", "audio", 1, false, std::nullopt});
  REQUIRE(wait_finished(*conn, j1) == "dead");
  CHECK(last_error(*conn, j1).find("empty_script") != std::string::npos);
  auto j2 = enqueue_tts(*conn, {"yt:empty000001", "comprehensive", 1, false, std::nullopt});
  REQUIRE(wait_finished(*conn, j2) == "dead");
  CHECK(last_error(*conn, j2).find("bad_variant") != std::string::npos);
  // No summary at all for a requested audio variant.
  auto j3 = enqueue_tts(*conn, {"yt:empty000001", "audio-es", 0, false, std::nullopt});
  REQUIRE(wait_finished(*conn, j3) == "dead");
  CHECK(last_error(*conn, j3).find("no_summary") != std::string::npos);

  CHECK(engine->calls == 0);
  CHECK(audio_rows(*conn, "yt:empty000001").empty());
  CHECK(counter(*conn, "tts_failure") == 3);
  CHECK(counter(*conn, "tts_success") == 0);
  auto ev = events(*conn);
  REQUIRE(ev.size() == 3);
  for (const auto& e : ev) {
    CHECK(e.type == "audio-sync-failed");
    CHECK(e.data["video_id"] == "yt:empty000001");
  }
  CHECK(ev[0].data["variant"] == "audio");
  CHECK(ev[0].data["error"].get<std::string>().find("empty_script") != std::string::npos);
}

TEST_CASE("FailureEvents: audio-sync-error and audio-sync-failed say stage, variant, reason, error and attempts") {
  td::test::TestDatabase db("ttsfields");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:fields00001", {"audio-es:advanced"});
  seed_summary(*conn, "yt:fields00001", "audio-es:advanced", kEnglishScript);
  auto engine = espeak_engine();
  engine->before = [](int) { throw td::TransientError("tts_unavailable", "speech server down (test)"); };
  RunningStage stage(db.url(), engine, postgres_store());
  auto job = enqueue_tts(*conn, {"yt:fields00001", "audio-es:advanced", 1, false, std::nullopt});
  REQUIRE(wait_finished(*conn, job) == "dead");
  auto ev = events(*conn);
  REQUIRE(ev.size() >= 2);
  int max_attempts = static_cast<int>(ev.size());
  for (size_t i = 0; i < ev.size(); ++i) {
    CAPTURE(i);
    const auto& d = ev[i].data;
    CHECK(ev[i].type == (i + 1 == ev.size() ? "audio-sync-failed" : "audio-sync-error"));
    CHECK(d["stage"] == "tts");
    CHECK(d["video_id"] == "yt:fields00001");
    CHECK(d["variant"] == "audio-es:advanced");
    CHECK(d["reason"] == "tts_unavailable");
    CHECK(d["error"] == "tts_unavailable: speech server down (test)");
    CHECK(d["attempt"] == static_cast<int>(i + 1));
    CHECK(d["max_attempts"] == max_attempts);
    CHECK(d["job_id"] == job);
  }
  CHECK(counter(*conn, "tts_failure") == 1);
  pqxx::read_transaction tx(*conn);
  CHECK(tx.exec_params("SELECT reason FROM jobs WHERE id = $1", job)[0][0].as<std::string>() == "tts_unavailable");
}

TEST_CASE("Fallback: a failing OpenAI-compatible server with TTS_FALLBACK=espeak still stores espeak audio") {
  td::test::TestDatabase db("ttsfall");
  auto conn = td::test::migrated_connection(db.url());
  td::tts::test::MockSpeechServer server([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_content("<html><body>upstream down</body></html>", "text/html");
  });
  ::setenv("TTS_ENGINE", "openai", 1);
  ::setenv("TTS_BASE_URL", server.base_url().c_str(), 1);
  ::setenv("TTS_FALLBACK", "espeak", 1);
  ::setenv("TTS_MAX_ATTEMPTS", "1", 1);
  std::shared_ptr<td::tts::TtsEngine> engine = td::tts::make_engine_from_env();
  for (const char* v : {"TTS_ENGINE", "TTS_BASE_URL", "TTS_FALLBACK", "TTS_MAX_ATTEMPTS"}) ::unsetenv(v);
  auto planned = engine->plan({"en"});
  CHECK(planned.engine != "espeak");

  seed_video(*conn, "yt:fall0000001", {"audio"});
  seed_summary(*conn, "yt:fall0000001", "audio", kEnglishScript);
  RunningStage stage(db.url(), engine, postgres_store());
  REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:fall0000001", "audio", 1, false, std::nullopt})) == "done");
  CHECK(server.seen().size() >= 1);
  auto rows = audio_rows(*conn, "yt:fall0000001");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].engine == "espeak");
  // The hash names what spoke, not the plan: a later run tries the server again.
  CHECK(rows[0].script_hash != td::tts::reuse_hash(kEnglishScript, planned));
  check_playable(load(*conn, rows[0]), rows[0]);

  // The fallback is recorded on the row, counted and announced.
  nlohmann::json expected = {{"from", planned.engine}, {"to", "espeak"}, {"reason", "tts_unavailable"}};
  REQUIRE(rows[0].fallback);
  CHECK(*rows[0].fallback == expected);
  CHECK(counter(*conn, td::metrics::labelled_name(
                           "tts_fallbacks",
                           {{"from", planned.engine}, {"to", "espeak"}, {"reason", "tts_unavailable"}})) == 1);
  CHECK(counter(*conn, "tts_success") == 1);
  int fallbacks = 0;
  for (const auto& e : events(*conn)) {
    if (e.type != "tts-fallback") continue;
    ++fallbacks;
    CHECK(e.data["video_id"] == "yt:fall0000001");
    CHECK(e.data["variant"] == "audio");
    CHECK(e.data["revision"] == 1);
    CHECK(e.data["from"] == planned.engine);
    CHECK(e.data["to"] == "espeak");
    CHECK(e.data["reason"] == "tts_unavailable");
  }
  CHECK(fallbacks == 1);
  {
    pqxx::read_transaction tx(*conn);
    auto report = td::store::build_report(tx, "yt:fall0000001");
    REQUIRE(report);
    auto v = (*report)["summary"]["variants"][0];
    auto with_stage = expected;
    with_stage["stage"] = "tts";
    CHECK(v["fallback"] == with_stage);
    CHECK(v["audio_fallback"] == with_stage);
  }
}

TEST_CASE("FallbackAuth: a 401 from the speech server falls back with reason tts_auth; espeak alone never does") {
  td::test::TestDatabase db("ttsfall401");
  auto conn = td::test::migrated_connection(db.url());
  td::tts::test::MockSpeechServer server([](int, const httplib::Request&, httplib::Response& res) {
    res.status = 401;
    res.set_content(R"({"error": {"message": "Incorrect API key"}})", "application/json");
  });
  ::setenv("TTS_ENGINE", "openai", 1);
  ::setenv("TTS_BASE_URL", server.base_url().c_str(), 1);
  ::setenv("TTS_FALLBACK", "espeak", 1);
  std::shared_ptr<td::tts::TtsEngine> engine = td::tts::make_engine_from_env();
  for (const char* v : {"TTS_ENGINE", "TTS_BASE_URL", "TTS_FALLBACK"}) ::unsetenv(v);
  auto planned = engine->plan({"en"});

  seed_video(*conn, "yt:fall0000002", {"audio"});
  seed_summary(*conn, "yt:fall0000002", "audio", kEnglishScript);
  {
    // Wrapped, as the counting engine does: the stage still learns of the fallback.
    auto counting = std::make_shared<CountingEngine>(std::make_unique<ForwardingEngine>(engine));
    RunningStage stage(db.url(), counting, postgres_store());
    REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:fall0000002", "audio", 1, false, std::nullopt})) == "done");
  }
  auto rows = audio_rows(*conn, "yt:fall0000002");
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].fallback);
  CHECK((*rows[0].fallback)["reason"] == "tts_auth");
  CHECK(counter(*conn, td::metrics::labelled_name(
                           "tts_fallbacks", {{"from", planned.engine}, {"to", "espeak"}, {"reason", "tts_auth"}})) ==
        1);

  // espeak speaking as the planned engine is no fallback.
  seed_video(*conn, "yt:fall0000003", {"audio"});
  seed_summary(*conn, "yt:fall0000003", "audio", kEnglishScript);
  {
    RunningStage stage(db.url(), espeak_engine(), postgres_store());
    REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:fall0000003", "audio", 1, false, std::nullopt})) == "done");
  }
  auto plain = audio_rows(*conn, "yt:fall0000003");
  REQUIRE(plain.size() == 1);
  CHECK_FALSE(plain[0].fallback);
  int fallbacks = 0;
  for (const auto& e : events(*conn)) fallbacks += e.type == "tts-fallback";
  CHECK(fallbacks == 1);
}

TEST_CASE("Reprocess: the last audio of a reprocess completes it with reprocess-complete") {
  td::test::TestDatabase db("ttsrep");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:repr0000001", {"audio"});
  int64_t rid = 0;
  {
    pqxx::work tx(*conn);
    rid = td::store::open_reprocess(tx, "yt:repr0000001", {"audio"}, true).request.id;
    td::store::Summary s;
    s.video_id = "yt:repr0000001";
    s.variant = "audio";
    s.text = kEnglishScript;
    s.language = "en";
    s.provider = "test";
    s.reprocess_id = rid;
    td::store::insert_summary_once(tx, s);
    tx.commit();
  }
  RunningStage stage(db.url(), espeak_engine(), postgres_store());
  REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:repr0000001", "audio", 1, true, rid})) == "done");
  {
    pqxx::read_transaction tx(*conn);
    CHECK(tx.exec_params("SELECT status FROM reprocess_requests WHERE id = $1", rid)[0][0].as<std::string>() ==
          "complete");
  }
  CHECK(counter(*conn, "reprocess_success") == 1);
  auto ev = events(*conn);
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].type == "audio-ready");
  CHECK(ev[1].type == "audio-synced");
  CHECK(ev[2].type == "reprocess-complete");
  CHECK(ev[2].data["reprocess_id"] == rid);
}

TEST_CASE("Retry: a failed attempt emits audio-sync-error, the retry stores the audio") {
  td::test::TestDatabase db("ttsretry");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:retry000001", {"audio"});
  seed_summary(*conn, "yt:retry000001", "audio", kEnglishScript);
  auto engine = espeak_engine();
  engine->before = [](int n) {
    if (n == 1) throw std::runtime_error("speech server reset the connection");
  };
  RunningStage stage(db.url(), engine, postgres_store());
  auto job = enqueue_tts(*conn, {"yt:retry000001", "audio", 1, false, std::nullopt});
  REQUIRE(wait_finished(*conn, job) == "done");
  auto ev = events(*conn);
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].type == "audio-sync-error");
  CHECK(ev[0].data["attempt"] == 1);
  CHECK(ev[0].data["error"].get<std::string>().find("reset the connection") != std::string::npos);
  CHECK(ev[1].type == "audio-ready");
  CHECK(ev[2].type == "audio-synced");
  CHECK(counter(*conn, "tts_failure") == 0);
  CHECK(counter(*conn, "tts_success") == 1);
  CHECK(audio_rows(*conn, "yt:retry000001").size() == 1);
}

TEST_CASE("NewerSummary: a revision stored while speaking requeues the job, which speaks the new one") {
  td::test::TestDatabase db("ttsnewer");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:newer000001", {"audio"});
  seed_summary(*conn, "yt:newer000001", "audio", kEnglishScript);
  auto engine = espeak_engine();
  auto other = td::test::migrated_connection(db.url());
  engine->before = [&](int n) {
    if (n == 1) seed_summary(*other, "yt:newer000001", "audio", "A shorter second revision of the summary.");
  };
  RunningStage stage(db.url(), engine, postgres_store());
  auto job = enqueue_tts(*conn, {"yt:newer000001", "audio", 1, false, std::nullopt});
  REQUIRE(wait_finished(*conn, job) == "done");
  auto rows = audio_rows(*conn, "yt:newer000001");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].summary_revision == 2);
  CHECK(engine->calls == 2);
  CHECK(rows[0].duration_s < 5.0);
  auto ev = events(*conn);
  REQUIRE(ev.size() == 2);  // no error event: the requeue is not a failure
  CHECK(ev[0].type == "audio-ready");
  CHECK(ev[0].data["revision"] == 2);
  CHECK(ev[1].type == "audio-synced");
}

TEST_CASE("ReprocessFailed: a reprocess whose audio gives up ends in error with reprocess-error") {
  td::test::TestDatabase db("ttsrepfail");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:repf0000001", {"audio"});
  int64_t rid = 0;
  {
    pqxx::work tx(*conn);
    rid = td::store::open_reprocess(tx, "yt:repf0000001", {"audio"}, true).request.id;
    tx.commit();
  }
  seed_summary(*conn, "yt:repf0000001", "audio", "");
  RunningStage stage(db.url(), espeak_engine(), postgres_store());
  REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:repf0000001", "audio", 1, true, rid})) == "dead");
  {
    pqxx::read_transaction tx(*conn);
    auto r = tx.exec_params("SELECT status, error FROM reprocess_requests WHERE id = $1", rid)[0];
    CHECK(r[0].as<std::string>() == "error");
    CHECK(r[1].as<std::string>().find("empty_script") != std::string::npos);
  }
  CHECK(counter(*conn, "reprocess_failure") == 1);
  CHECK(counter(*conn, "tts_failure") == 1);
  auto ev = events(*conn);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].type == "audio-sync-failed");
  CHECK(ev[1].type == "reprocess-error");
  CHECK(ev[1].data["reprocess_id"] == rid);
}

TEST_CASE("Executable: tubedigest-tts from the environment (AUDIO_DIR) speaks a job and stops on SIGTERM") {
  td::test::TestDatabase db("ttsexe");
  auto conn = td::test::migrated_connection(db.url());
  TempDir dir;
  seed_video(*conn, "yt:exec0000001", {"audio"});
  seed_summary(*conn, "yt:exec0000001", "audio", kEnglishScript);
  auto job = enqueue_tts(*conn, {"yt:exec0000001", "audio", 1, false, std::nullopt});
  td::test::ChildProcess p(
      {td::test::bin_path("tubedigest-tts"), "--database-url", db.url(), "--poll-interval", "200ms"},
      {"AUDIO_DIR=" + dir.path(), "TTS_ENGINE=espeak", "LOG_LEVEL=warn"});
  REQUIRE(wait_finished(*conn, job) == "done");
  auto rows = audio_rows(*conn, "yt:exec0000001");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].store == "dir");
  check_playable(load(*conn, rows[0], dir.path()), rows[0]);
  p.kill(SIGTERM);
  int status = p.wait();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
