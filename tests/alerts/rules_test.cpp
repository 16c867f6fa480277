#include <doctest/doctest.h>

#include "alerts/fixture.h"
#include "store/pauses.h"

using namespace std::chrono_literals;
using td::alerts::test::Fixture;
using Names = std::vector<std::string>;

TEST_CASE_FIXTURE(Fixture, "QueueStalled: a stalled kind fires once and resolves once") {
  auto id = job("summarize", "queued", "11 minutes");
  job("summarize", "queued", "1 minute");
  CHECK(names(evaluate()) == Names{"QueueStalled{kind=summarize,}"});
  auto first = step();
  REQUIRE(first.fired.size() == 1);
  CHECK(first.fired[0].alert.alertname == "QueueStalled");
  CHECK(first.fired[0].alert.labels.at("kind") == "summarize");
  CHECK(first.fired[0].alert.annotations.at("waiting") == "2");
  CHECK(first.fired[0].status == "firing");
  auto second = step();
  CHECK(second.fired.empty());
  CHECK(second.repeat_due.empty());
  CHECK(second.resolved.empty());

  // A worker drains the old job: the oldest claimable one is young again.
  sql("UPDATE jobs SET status = 'done', finished_at = now() WHERE id = " + std::to_string(id));
  CHECK(evaluate().empty());
  auto third = step();
  CHECK(third.fired.empty());
  REQUIRE(third.resolved.size() == 1);
  CHECK(third.resolved[0].fingerprint == first.fired[0].fingerprint);
  CHECK(third.resolved[0].status == "resolved");
  CHECK(third.resolved[0].ends_at.has_value());
  CHECK(third.resolved[0].starts_at == first.fired[0].starts_at);
  auto fourth = step();
  CHECK(fourth.fired.empty());
  CHECK(fourth.resolved.empty());
}

TEST_CASE_FIXTURE(Fixture, "QueueStalled: a kind with a job finished within the threshold does not fire") {
  job("tts", "queued", "30 minutes");
  job("tts", "done", "2 minutes");
  CHECK(evaluate().empty());
  // The only finish is older than the threshold: stalled.
  sql("UPDATE jobs SET finished_at = now() - interval '11 minutes' WHERE status = 'done'");
  CHECK(names(evaluate()) == Names{"QueueStalled{kind=tts,}"});
}

TEST_CASE_FIXTURE(Fixture, "QueueStalled: only claimable jobs count; the threshold comes from Thresholds") {
  job("ingest", "failed", "-1 hour");        // waiting for a retry in an hour: not claimable
  job("ingest", "running", "1 hour");        // running: not waiting
  job("summarize", "failed", "11 minutes");  // its retry is due: claimable
  CHECK(names(evaluate()) == Names{"QueueStalled{kind=summarize,}"});
  CHECK(evaluate({.queue_stall = 20min}).empty());
}

TEST_CASE_FIXTURE(Fixture, "JobsDead: a job that went dead within the window fires; an older one does not") {
  job("ingest", "dead", "11 minutes", "old failure");
  CHECK(evaluate().empty());
  auto id = job("ingest", "dead", "1 minute", "yt-dlp metadata failed");
  auto alerts = evaluate();
  REQUIRE(names(alerts) == Names{"JobsDead{kind=ingest,}"});
  CHECK(alerts[0].annotations.at("dead") == "1");
  CHECK(alerts[0].annotations.at("job_ids") == std::to_string(id));
  CHECK(alerts[0].annotations.at("last_error") == "yt-dlp metadata failed");
  CHECK(step().fired.size() == 1);
  // No new dead job in the window: resolved.
  sql("UPDATE jobs SET finished_at = now() - interval '11 minutes'");
  auto later = step();
  CHECK(later.fired.empty());
  REQUIRE(later.resolved.size() == 1);
  CHECK(later.resolved[0].alert.labels.at("kind") == "ingest");
}

TEST_CASE_FIXTURE(Fixture, "YouTubeThrottled: an active pause fires and its end resolves it") {
  {
    pqxx::work tx(*conn);
    td::store::set_pause(tx, "youtube", 5min, "HTTP Error 429: Too Many Requests");
    tx.commit();
  }
  auto fired = step();
  REQUIRE(fired.fired.size() == 1);
  CHECK(fired.fired[0].alert.alertname == "YouTubeThrottled");
  CHECK(fired.fired[0].alert.labels == td::alerts::Labels{{"pause", "youtube"}});
  CHECK(fired.fired[0].alert.annotations.at("reason") == "HTTP Error 429: Too Many Requests");
  CHECK(step().fired.empty());
  // The pause runs out (backdated), as it would after its duration.
  sql("UPDATE pauses SET paused_until = now() - interval '1 second'");
  auto ended = step();
  REQUIRE(ended.resolved.size() == 1);
  CHECK(ended.resolved[0].alert.labels.at("pause") == "youtube");
  CHECK(step().resolved.empty());
}

TEST_CASE_FIXTURE(Fixture, "IngestHttpErrors: failed ingest attempts by status class, from the events' http_status") {
  const std::string ytdlp403 =
      "yt-dlp metadata for yt:aaaaaaaaaaa failed (exit 1): ERROR: [youtube] aaaaaaaaaaa: "
      "Unable to download webpage: HTTP Error 403: Forbidden";
  const std::string api503 =
      "YouTube Data API videos.list for yt:bbbbbbbbbbb: HTTP 503 from "
      "https://www.googleapis.com/youtube/v3/videos: backend error";
  const std::string ytdlp404 =
      "yt-dlp captions en for yt:ccccccccccc failed (exit 1): ERROR: HTTP Error 404: Not Found";
  failure_event("ingest", "yt:aaaaaaaaaaa", ytdlp403, "report-sync-error", 403);
  failure_event("ingest", "yt:ccccccccccc", ytdlp404, "report-sync-error", 404);
  // Not counted: another stage, no status, a status of neither class.
  failure_event("summarize", "yt:aaaaaaaaaaa", "LLM answered HTTP 403 from http://llm", "report-sync-error", 403);
  failure_event("ingest", "yt:ddddddddddd", "yt-dlp transcript timed out and was killed");
  failure_event("ingest", "yt:ddddddddddd", "yt-dlp: HTTP Error 302: Found", "report-sync-error", 302);
  failure_event("ingest", "yt:bbbbbbbbbbb", api503, "report-sync-error", 503);
  failure_event("ingest", "yt:bbbbbbbbbbb", api503, "report-sync-failed", 503);
  CHECK(evaluate().empty());  // 2 of each class: under the threshold of 3

  failure_event("ingest", "yt:eeeeeeeeeee", ytdlp403, "report-sync-failed", 403);
  auto alerts = evaluate();
  REQUIRE(names(alerts) == Names{"IngestHttpErrors{status_class=4xx,}"});
  CHECK(alerts[0].annotations.at("summary") == "3 ingest attempt(s) failed with YouTube HTTP 4xx in the last 600s");
  CHECK(alerts[0].annotations.at("attempts") == "3");
  CHECK(alerts[0].annotations.at("last_error") == ytdlp403);
  CHECK(alerts[0].annotations.at("video_ids") == "yt:aaaaaaaaaaa,yt:ccccccccccc,yt:eeeeeeeeeee");
  CHECK(names(evaluate({.ingest_errors = 2})) ==
        Names{"IngestHttpErrors{status_class=4xx,}", "IngestHttpErrors{status_class=5xx,}"});
  CHECK(step().fired.size() == 1);

  // The attempts age out of the window: resolved.
  sql("UPDATE events SET created_at = now() - interval '11 minutes'");
  auto later = step();
  REQUIRE(later.resolved.size() == 1);
  CHECK(later.resolved[0].alert.labels.at("status_class") == "4xx");
}

TEST_CASE_FIXTURE(Fixture, "IngestHttpErrors: an event without http_status does not count, whatever its error says") {
  // Error lines that name a status, as events written before the field
  // existed did: the rule no longer reads the text.
  const std::string ytdlp403 =
      "yt-dlp metadata for yt:aaaaaaaaaaa failed (exit 1): ERROR: [youtube] aaaaaaaaaaa: "
      "Unable to download webpage: HTTP Error 403: Forbidden";
  for (const char* video : {"yt:aaaaaaaaaaa", "yt:bbbbbbbbbbb", "yt:ccccccccccc", "yt:ddddddddddd"})
    failure_event("ingest", video, ytdlp403);
  failure_event("ingest", "yt:eeeeeeeeeee", "HTTP 503 from https://www.googleapis.com", "report-sync-failed");
  CHECK(evaluate({.ingest_errors = 1}).empty());
  // A status written as anything but a number is not one either, and does
  // not break the evaluation.
  sql("SELECT td_emit_event('report-sync-error', 'yt:fffffffffff', "
      "'{\"stage\": \"ingest\", \"error\": \"x\", \"http_status\": \"403\"}'::jsonb)");
  CHECK(evaluate({.ingest_errors = 1}).empty());
  // The field alone decides: an error line without any status text counts.
  failure_event("ingest", "yt:ggggggggggg", "yt-dlp: metadata_unavailable", "report-sync-error", 500);
  CHECK(names(evaluate({.ingest_errors = 1})) == Names{"IngestHttpErrors{status_class=5xx,}"});
}

TEST_CASE_FIXTURE(Fixture, "ProviderFallbacks: outputs stored from a fallback, by stage and first choice") {
  auto fallback = [&](const std::string& type, const std::string& video, const std::string& from,
                      const std::string& reason) {
    pqxx::work tx(*conn);
    tx.exec_params(
        "SELECT td_emit_event($1, $2, jsonb_build_object('variant', 'comprehensive', 'revision', 1, "
        "'from', $3::text, 'to', 'extractive', 'reason', $4::text))",
        type, video, from, reason);
    tx.commit();
  };
  fallback("summary-fallback", "yt:aaaaaaaaaaa", "openai", "llm_auth");
  fallback("summary-fallback", "yt:bbbbbbbbbbb", "openai", "llm_auth");
  fallback("tts-fallback", "yt:aaaaaaaaaaa", "openai:tts-1", "tts_unavailable");
  CHECK(evaluate().empty());  // 2 summaries, 1 audio: under 3

  fallback("summary-fallback", "yt:ccccccccccc", "openai", "truncated");
  auto alerts = evaluate();
  REQUIRE(names(alerts) == Names{"ProviderFallbacks{from=openai,stage=summarize,}"});
  CHECK(alerts[0].annotations.at("summary") == "3 summaries in the last 600s came from a fallback: openai failed");
  CHECK(alerts[0].annotations.at("outputs") == "3");
  CHECK(alerts[0].annotations.at("reason") == "truncated");  // the newest
  CHECK(alerts[0].annotations.at("to") == "extractive");
  CHECK(alerts[0].annotations.at("video_ids") == "yt:aaaaaaaaaaa,yt:bbbbbbbbbbb,yt:ccccccccccc");
  CHECK(names(evaluate({.fallbacks = 1})) ==
        Names{"ProviderFallbacks{from=openai,stage=summarize,}", "ProviderFallbacks{from=openai:tts-1,stage=tts,}"});

  CHECK(step().fired.size() == 1);
  sql("UPDATE events SET created_at = now() - interval '11 minutes'");
  CHECK(step().resolved.size() == 1);
}
