// `tubedigest jobs`: dead jobs are listed with their reason code, read from
// jobs.reason, and their message without the code again.
#include <doctest/doctest.h>

#include "cli/seed.h"
#include "queue/queue.h"
#include "support/helpers.h"
#include "support/pg.h"

using namespace td::cli_test;

namespace {

// Claims the job and fails it as the worker does: last_error "<reason>: <message>".
void fail_job(pqxx::connection& c, int64_t id, const std::string& error, const std::string& reason) {
  td::queue::Queue q;
  pqxx::work tx(c);
  auto jobs = q.claim(tx, {"summarize"}, "test-worker", 1, std::chrono::seconds(60));
  REQUIRE(jobs.size() == 1);
  REQUIRE(jobs[0].id == id);
  CHECK(q.fail(tx, jobs[0], "test-worker", error, /*permanent=*/true, reason).outcome == td::queue::FailOutcome::dead);
  tx.commit();
}

}  // namespace

TEST_CASE("JobsCommand: a dead job shows its reason in a column of its own") {
  td::test::TestDatabase db("cli");
  auto conn = td::test::migrated_connection(db.url());
  int64_t coded = 0, plain = 0;
  {
    pqxx::work tx(*conn);
    td::queue::Queue q;
    coded = q.enqueue(
                 tx, {"summarize", R"({"video_id":"yt:aaaaaaaaaaa","variant":"audio"})", {.subject = "yt:aaaaaaaaaaa"}})
                .id;
    tx.commit();
  }
  fail_job(*conn, coded, "no_transcript: no transcript is stored for yt:aaaaaaaaaaa", "no_transcript");
  {
    pqxx::work tx(*conn);
    plain = td::queue::Queue().enqueue(tx, {"summarize", "{}", {}}).id;
    tx.commit();
  }
  fail_job(*conn, plain, "boom", "");
  CHECK(count(*conn, "SELECT count(*) FROM jobs WHERE reason = 'no_transcript' AND id = " + std::to_string(coded)) ==
        1);
  CHECK(count(*conn, "SELECT count(*) FROM jobs WHERE reason IS NULL AND id = " + std::to_string(plain)) == 1);

  auto r = run_cli({"jobs", "--database-url", db.url()});
  REQUIRE(r.ok());
  CHECK(r.out.find("#" + std::to_string(coded) +
                   " summarize yt:aaaaaaaaaaa after 1 attempt(s) reason=no_transcript: no transcript is stored for "
                   "yt:aaaaaaaaaaa\n") != std::string::npos);
  CHECK(r.out.find("#" + std::to_string(plain) + " summarize after 1 attempt(s) reason=-: boom\n") !=
        std::string::npos);
}
