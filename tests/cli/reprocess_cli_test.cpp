// `tubedigest reprocess`: the same request as POST /api/reprocess, from the
// command line.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli/seed.h"
#include "metrics/metrics.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "support/store_rows.h"

using namespace td::cli_test;

TEST_CASE("ReprocessSchedulesThenSaysAlreadyScheduled") {
  td::test::TestDatabase db("cli");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:aaaaaaaaaaa", {"comprehensive", "key-insights"});

  // No --variants: every variant the video has a summary of.
  auto first = run_cli({"reprocess", "yt:aaaaaaaaaaa", "--database-url", db.url(), "--json"});
  REQUIRE(first.ok());
  auto j1 = nlohmann::json::parse(first.out);
  CHECK(j1["status"] == "scheduled");
  CHECK(j1["video_id"] == "yt:aaaaaaaaaaa");
  CHECK(j1["variants"] == nlohmann::json({"comprehensive", "key-insights"}));
  CHECK(j1["regenerate_audio"] == false);
  REQUIRE(j1["job_ids"].size() == 2);
  td::test::check_reprocess_jobs(*conn, j1, false);
  {
    pqxx::read_transaction tx(*conn);
    auto event = nlohmann::json::parse(
        tx.exec1("SELECT data::text FROM events WHERE type = 'reprocess-scheduled'")[0].as<std::string>());
    CHECK(event["reprocess_id"] == j1["reprocess_id"]);
    CHECK(event["job_ids"] == j1["job_ids"]);
    CHECK(event["variants"] == j1["variants"]);
    CHECK(td::metrics::snapshot(tx).counter("reprocess_requested") == 1);
  }

  // The same request while pending, given as a link with the variants in
  // another order: the same request and jobs, nothing new queued or emitted.
  auto again = run_cli({"reprocess", "https://youtu.be/aaaaaaaaaaa", "--variants", "key-insights,comprehensive",
                        "--database-url", db.url()});
  REQUIRE(again.ok());
  const std::string id = std::to_string(j1["reprocess_id"].get<int64_t>());
  const std::string jobs =
      std::to_string(j1["job_ids"][0].get<int64_t>()) + "," + std::to_string(j1["job_ids"][1].get<int64_t>());
  CHECK(again.out == "yt:aaaaaaaaaaa: reprocess " + id + " already scheduled, summarize jobs " + jobs +
                         " (variants: comprehensive,key-insights)\n");
  CHECK(count(*conn, "SELECT count(*) FROM jobs") == 2);
  CHECK(count(*conn, "SELECT count(*) FROM events WHERE type = 'reprocess-scheduled'") == 1);

  // With --regenerate-audio it is another request.
  auto audio = run_cli(
      {"reprocess", "aaaaaaaaaaa", "--variants", "comprehensive", "--regenerate-audio", "--database-url", db.url()});
  REQUIRE(audio.ok());
  CHECK(audio.out.find(" scheduled, summarize jobs ") != std::string::npos);
  CHECK(audio.out.find("already") == std::string::npos);
  CHECK(audio.out.find("(variants: comprehensive; audio regenerated)") != std::string::npos);
  CHECK(count(*conn, "SELECT count(*) FROM jobs") == 3);
  CHECK(count(*conn, "SELECT count(*) FROM jobs WHERE (payload::jsonb->>'regenerate_audio')::boolean") == 1);
  CHECK(count(*conn, "SELECT count(*) FROM events WHERE type = 'reprocess-scheduled'") == 2);
  CHECK(td::test::counter(*conn, "reprocess_requested") == 2);
}

TEST_CASE("ReprocessRefusesUnknownVideosVariantsAndLinksInOneLine") {
  td::test::TestDatabase db("cli");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:aaaaaaaaaaa", {"comprehensive"});
  seed_video(*conn, "yt:bbbbbbbbbbb", {}, false);
  auto one_line = [](const td::process::Result& r) { return r.err.find('\n') == r.err.size() - 1; };

  auto unknown = run_cli({"reprocess", "yt:zzzzzzzzzzz", "--database-url", db.url()});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err.find("tubedigest reprocess: no such video: yt:zzzzzzzzzzz") == 0);
  CHECK(one_line(unknown));

  auto poem = run_cli({"reprocess", "yt:aaaaaaaaaaa", "--variants", "comprehensive,poem", "--database-url", db.url()});
  CHECK(poem.exit_code == 1);
  CHECK(poem.err.find("poem") != std::string::npos);
  CHECK(poem.err.find("bullet-points") != std::string::npos);  // the valid names are listed
  CHECK(one_line(poem));

  auto empty = run_cli({"reprocess", "yt:aaaaaaaaaaa", "--variants", "", "--database-url", db.url()});
  CHECK(empty.exit_code == 1);
  CHECK(empty.err.find("no variants given") != std::string::npos);

  auto nothing = run_cli({"reprocess", "yt:bbbbbbbbbbb", "--database-url", db.url()});
  CHECK(nothing.exit_code == 1);
  CHECK(nothing.err == "tubedigest reprocess: video yt:bbbbbbbbbbb has no variants yet; pass --variants\n");

  auto playlist = run_cli({"reprocess", "https://www.youtube.com/playlist?list=PL123", "--database-url", db.url()});
  CHECK(playlist.exit_code == 1);
  CHECK(one_line(playlist));

  auto missing = run_cli({"reprocess", "--database-url", db.url()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("missing yt:<id>") != std::string::npos);

  CHECK(count(*conn, "SELECT count(*) FROM jobs") == 0);
  CHECK(count(*conn, "SELECT count(*) FROM reprocess_requests") == 0);
  CHECK(count(*conn, "SELECT count(*) FROM events") == 0);
}
