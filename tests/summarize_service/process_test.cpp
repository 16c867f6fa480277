// The tubedigest-summarize executable as a process: it migrates, works the
// queue, and exits cleanly on SIGTERM; a bad setting stops it at start.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>

#include "fixtures.h"
#include "support/helpers.h"

using namespace td::summarize_test;
using namespace std::chrono_literals;

TEST_CASE("Process: tubedigest-summarize stores summaries and exits 0 on SIGTERM") {
  td::test::TestDatabase db("sum_proc");
  auto c = td::test::migrated_connection(db.url());
  const std::string vid = "yt:mmmmmmmmmmm";
  std::vector<std::string> requested = {"comprehensive", "bullet-points"};
  add_video(*c, {vid, requested, 12});
  for (auto& v : requested) enqueue(*c, vid, v);
  td::test::ChildProcess p({td::test::bin_path("tubedigest-summarize"), "--database-url", db.url(), "--poll-interval",
                            "200ms", "--concurrency", "2"},
                           {"SUMMARIZER=extractive", "SUMMARY_LANGUAGE=auto", "LOG_LEVEL=warn"});
  REQUIRE(wait_idle(*c));
  CHECK(count(*c, "SELECT count(*) FROM summaries WHERE video_id = '" + vid + "'") == 2);
  CHECK(events(*c, "report-synced").size() == 1);
  CHECK(counter(*c, "summarize_success") == 2);

  // A job enqueued while it idles is picked up through NOTIFY or the poll.
  enqueue(*c, vid, "key-insights");
  REQUIRE(wait_idle(*c));
  CHECK(count(*c, "SELECT count(*) FROM summaries WHERE variant = 'key-insights'") == 1);

  auto t0 = std::chrono::steady_clock::now();
  p.kill(SIGTERM);
  int status = p.wait();
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("ProcessConfig: an unknown summarizer stops the process at start with a non-zero exit") {
  td::test::TestDatabase db("sum_proc_cfg");
  td::test::ChildProcess p({td::test::bin_path("tubedigest-summarize"), "--database-url", db.url()},
                           {"SUMMARIZER=magic,extractive", "LOG_LEVEL=warn"});
  int status = p.wait();
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) != 0);
}
