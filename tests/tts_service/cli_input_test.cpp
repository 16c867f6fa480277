// The CLI's edge: --transcript-file is checked before anything is
// queued, durations and ids are refused in one clear line naming the argument.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "common/errors.h"
#include "common/process.h"
#include "harness.h"
#include "queue/queue.h"
#include "store/pipeline.h"
#include "support/helpers.h"
#include "support/pg.h"

using namespace td::tts_service_test;

namespace {

td::process::Result cli(std::vector<std::string> args) {
  args.insert(args.begin(), td::test::bin_path("tubedigest"));
  // A FIFO or /dev/zero that was not refused would hang or grow: the
  // deadline turns that into a failed check instead of a stuck suite.
  return td::process::run(args, {.timeout = std::chrono::seconds(20)});
}

// One line on stderr that contains `needle`.
void check_one_line(const td::process::Result& r, const std::string& needle) {
  CAPTURE(r.err);
  CHECK(!r.timed_out);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find(needle) != std::string::npos);
  CHECK(r.err.find('\n') == r.err.size() - 1);
}

void write(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

int64_t jobs(pqxx::connection& c) {
  pqxx::read_transaction tx(c);
  return tx.exec1("SELECT count(*) FROM jobs")[0].as<int64_t>();
}

}  // namespace

TEST_CASE("CliInput: --transcript-file takes a non-empty UTF-8 regular file within the API's limit, nothing else") {
  td::test::TestDatabase db("cliinput");
  auto conn = td::test::migrated_connection(db.url());
  TempDir dir;
  const std::string d = dir.path();
  const std::string fifo = d + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  write(d + "/empty.txt", "");
  write(d + "/blank.txt", " \n\t \r\n");
  write(d + "/big.txt", std::string((1 << 20) + 1, 'a'));
  write(d + "/latin1.txt", "caf\xe9 au lait");
  write(d + "/nul.txt", std::string("abc\0def", 7));
  write(d + "/ok.txt", "A transcript that is long enough to be a transcript, in plain UTF-8: caf\xc3\xa9.");
  const struct {
    std::string path, needle;
  } cases[] = {
      {"/dev/zero", "is a device, not a regular file"},
      {"/dev/null", "is a device, not a regular file"},
      {fifo, "is a FIFO, not a regular file"},
      {d, "is a directory, not a regular file"},
      {d + "/empty.txt", "is empty"},
      {d + "/blank.txt", "holds only whitespace"},
      {d + "/big.txt", "is 1048577 bytes (the limit is 1048576 bytes, as for the API)"},
      {d + "/latin1.txt", "is not valid UTF-8 (bad byte at offset 3)"},
      {d + "/nul.txt", "has a NUL byte at offset 3"},
      {d + "/missing.txt", "No such file or directory"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.path);
    auto r = cli({"submit", "dQw4w9WgXcQ", "--transcript-file", c.path, "--database-url", db.url()});
    check_one_line(r, "--transcript-file " + c.path + ": " + c.needle);
  }
  CHECK(jobs(*conn) == 0);
  // MAX_BODY_BYTES moves the limit as it does for the API.
  auto small = td::process::run({td::test::bin_path("tubedigest"), "submit", "dQw4w9WgXcQ", "--transcript-file",
                                 d + "/ok.txt", "--database-url", db.url()},
                                {.extra_env = {"MAX_BODY_BYTES=10"}});
  check_one_line(small, "(the limit is 10 bytes");
  CHECK(jobs(*conn) == 0);
  auto ok = cli({"submit", "dQw4w9WgXcQ", "--transcript-file", d + "/ok.txt", "--database-url", db.url()});
  CHECK(ok.ok());
  CHECK(jobs(*conn) == 1);
}

TEST_CASE("CliInput: bad durations, ids and limits are one line naming the argument; libpq's hint joins it") {
  td::test::TestDatabase db("cliinput");
  auto conn = td::test::migrated_connection(db.url());
  for (const char* t : {"99999999999999999999h", "1e300s", "inf", "nan", "-5s"}) {
    CAPTURE(t);
    check_one_line(cli({"submit", "dQw4w9WgXcQ", "--wait", "--timeout", t, "--database-url", db.url()}), "--timeout: ");
  }
  CHECK(jobs(*conn) == 0);
  check_one_line(cli({"jobs", "--dead", "-1", "--database-url", db.url()}), "--dead must not be negative, got -1");
  check_one_line(cli({"retry", "-1", "--database-url", db.url()}), "JOB_ID must be a positive number, got '-1'");
  check_one_line(cli({"cancel", "0", "--database-url", db.url()}), "JOB_ID must be a positive number, got '0'");
  check_one_line(cli({"retry", "abc", "--database-url", db.url()}), "JOB_ID must be a positive number, got 'abc'");
  check_one_line(cli({"report", "yt:\xff\xfe", "--database-url", db.url()}), "not a YouTube video link");
  // A port nothing listens on: libpq says it in two lines, the CLI in one.
  check_one_line(
      cli({"jobs", "--database-url", "postgresql://nobody@127.0.0.1:1/none"}),
      "cannot reach the database: connection to server at \"127.0.0.1\", port 1 failed: Connection refused; Is the server running");
}

TEST_CASE("CliInput: a job payload whose whole number is out of range dies at once with bad_payload") {
  // Not a CLI case, but the same edge one step later: summary_revision 1e300
  // used to become -2147483648.
  for (const char* revision : {"1e300", "2.5", "4294967296", "-9223372036854775809", "\"1\""}) {
    CAPTURE(revision);
    auto p = nlohmann::json::parse(
        std::string(R"({"video_id": "yt:cli00000009", "variant": "audio", "summary_revision": )") + revision + "}");
    try {
      td::store::tts_request_from(p);
      FAIL("accepted");
    } catch (const td::PermanentError& e) {
      CHECK(e.reason() == "bad_payload");
      CHECK(std::string(e.what()).find("'summary_revision'") != std::string::npos);
    }
  }
  CHECK(td::store::tts_request_from(
            nlohmann::json::parse(R"({"video_id": "yt:cli00000009", "variant": "audio", "summary_revision": 7})"))
            .summary_revision == 7);

  td::test::TestDatabase db("cliinput");
  auto conn = td::test::migrated_connection(db.url());
  seed_video(*conn, "yt:cli00000009", {"audio"});
  int64_t id;
  {
    pqxx::work tx(*conn);
    id = td::queue::Queue()
             .enqueue(tx, {td::store::kTtsKind,
                           R"({"video_id": "yt:cli00000009", "variant": "audio", "summary_revision": 1e300})"})
             .id;
    tx.commit();
  }
  RunningStage stage(db.url(), espeak_engine(), std::make_shared<td::store::PostgresAudioStore>());
  CHECK(wait_finished(*conn, id) == "dead");
  CHECK(last_error(*conn, id).rfind("bad_payload: job payload field 'summary_revision' must be a whole number", 0) ==
        0);
}
