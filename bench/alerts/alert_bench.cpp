// alert_bench: what one evaluation round costs the database, on a large one.
//
//   alert_bench --database-url URL [--finished 1000000] [--events 500000] [--runs 30] [--json]
//
// Seeds (once; a second run reuses them) `finished` done and dead jobs spread
// over the last 24 hours with 2,000 claimable ones, `events` outbox events
// over the last 7 days (some of them failed ingest attempts with an HTTP
// status inside the window), and an active pause, so every rule has rows to
// look at and QueueStalled, JobsDead, YouTubeThrottled and IngestHttpErrors
// all fire. Then runs the evaluator's round (lease, rules, state, queueing
// nothing: no receivers) `runs` times and the listing GET /api/alerts does,
// and prints the median and p95 of each.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "alerts/evaluator.h"
#include "alerts/leader.h"
#include "alerts/state.h"
#include "catalog/catalog.h"
#include "db/migrate.h"

namespace {

using Clock = std::chrono::steady_clock;

void seed(pqxx::connection& c, long finished, long events) {
  pqxx::work tx(c);
  if (tx.exec1("SELECT count(*) FROM jobs")[0].as<long>() >= finished) return;
  std::cout << "seeding " << finished << " finished jobs and " << events << " events..." << std::endl;
  tx.exec_params(R"SQL(
INSERT INTO jobs (kind, status, attempts, run_at, finished_at, last_error)
SELECT (ARRAY['ingest', 'summarize', 'tts'])[1 + i % 3],
       CASE WHEN i % 500 = 0 THEN 'dead' ELSE 'done' END, 1,
       now() - (i % 86400) * interval '1 second' - interval '1 hour',
       now() - (i % 86400) * interval '1 second' - interval '1 hour',
       CASE WHEN i % 500 = 0 THEN 'no_transcript: none' END
  FROM generate_series(1, $1::bigint) i)SQL",
                 finished);
  // Claimable jobs that have waited an hour: ingest and tts stall.
  tx.exec(R"SQL(
INSERT INTO jobs (kind, status, run_at)
SELECT (ARRAY['ingest', 'tts'])[1 + i % 2], 'queued', now() - interval '1 hour' FROM generate_series(1, 2000) i)SQL");
  // Dead within the window.
  tx.exec(R"SQL(
INSERT INTO jobs (kind, status, attempts, run_at, finished_at, last_error)
SELECT 'summarize', 'dead', 5, now() - interval '1 minute', now() - interval '1 minute', 'llm_auth: HTTP 401'
  FROM generate_series(1, 20))SQL");
  tx.exec_params(R"SQL(
INSERT INTO events (type, video_id, data, created_at)
SELECT CASE WHEN i % 50 = 0 THEN 'report-sync-error' ELSE 'report-updated' END,
       'yt:' || lpad(to_hex(i), 11, '0'),
       CASE WHEN i % 50 = 0 THEN jsonb_build_object('stage', 'ingest', 'reason', 'ytdlp_failed',
                                                    'error', 'ytdlp_failed: HTTP Error 403: Forbidden',
                                                    'http_status', 403)
            ELSE jsonb_build_object('stage', 'ingested') END,
       now() - (i % 604800) * interval '1 second'
  FROM generate_series(1, $1::bigint) i)SQL",
                 events);
  tx.exec(R"SQL(
INSERT INTO pauses (name, paused_until, reason, hits) VALUES ('youtube', now() + interval '1 day', 'bench', 1)
ON CONFLICT DO NOTHING)SQL");
  tx.commit();
  pqxx::nontransaction(c).exec("ANALYZE");
}

struct Stats {
  double p50, p95;
};

Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)]};
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options o("alert_bench", "cost of one alert evaluation round");
  o.add_options()("database-url", "PostgreSQL URL", cxxopts::value<std::string>()->default_value(""))(
      "finished", "finished jobs to seed", cxxopts::value<long>()->default_value("1000000"))(
      "events", "events to seed", cxxopts::value<long>()->default_value("500000"))(
      "runs", "rounds to time", cxxopts::value<int>()->default_value("30"))("json", "print one JSON line at the end");
  auto r = o.parse(argc, argv);
  pqxx::connection c(r["database-url"].as<std::string>());
  td::db::migrate(c);
  td::catalog::prepare(c);
  seed(c, r["finished"].as<long>(), r["events"].as<long>());

  td::alerts::Settings settings;  // no receivers: the round queues nothing
  td::alerts::LeaderLease lease(td::alerts::kEvaluatorLease, "alert_bench", std::chrono::seconds(30));
  td::queue::Queue queue;
  std::vector<double> round_ms, list_ms;
  size_t firing = 0;
  for (int i = 0; i < r["runs"].as<int>(); ++i) {
    auto t0 = Clock::now();
    {
      pqxx::work tx(c);
      td::alerts::evaluate_round(tx, lease, settings, queue);
      tx.commit();
    }
    auto t1 = Clock::now();
    {
      pqxx::read_transaction tx(c);
      firing = td::alerts::list(tx, std::chrono::hours(24)).size();
    }
    auto t2 = Clock::now();
    round_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    list_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  {
    pqxx::work tx(c);
    lease.release(tx);
    tx.commit();
  }
  auto rs = stats(round_ms), ls = stats(list_ms);
  std::printf("alerts listed: %zu\n", firing);
  std::printf("%-44s %10s %10s\n", "measure", "p50 ms", "p95 ms");
  std::printf("%-44s %10.2f %10.2f\n", "evaluation round (lease, rules, state)", rs.p50, rs.p95);
  std::printf("%-44s %10.2f %10.2f\n", "listing (GET /api/alerts)", ls.p50, ls.p95);
  if (r.count("json")) {
    nlohmann::json j = {{"alerts", firing},
                        {"round_ms", {{"p50", rs.p50}, {"p95", rs.p95}}},
                        {"list_ms", {{"p50", ls.p50}, {"p95", ls.p95}}}};
    std::cout << j.dump() << std::endl;
  }
  return 0;
}
