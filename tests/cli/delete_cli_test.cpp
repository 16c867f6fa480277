// `tubedigest delete`: the same as DELETE /api/reports/yt:<id>, from the
// command line; and AudioStore::load/remove, which it relies on.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/seed.h"
#include "queue/queue.h"
#include "store/audio.h"
#include "store/pipeline.h"
#include "support/helpers.h"
#include "support/pg.h"

using namespace td::cli_test;

TEST_CASE("DeleteRemovesRowsUnsharedFilesAndCancelsJobs") {
  td::test::TestDatabase db("cli");
  auto conn = td::test::migrated_connection(db.url());
  TempDir dir;
  seed_video(*conn, "yt:aaaaaaaaaaa", {"comprehensive", "audio"});
  seed_video(*conn, "yt:bbbbbbbbbbb", {"audio"});
  const auto own = seed_audio_file(*conn, dir.path(), "yt:aaaaaaaaaaa", "audio", "mp3 bytes of a only");
  // Identical MP3s share one file: b's copy keeps it.
  const auto shared = seed_audio_file(*conn, dir.path(), "yt:aaaaaaaaaaa", "audio-fr:intermediate", "shared mp3 bytes");
  REQUIRE(seed_audio_file(*conn, dir.path(), "yt:bbbbbbbbbbb", "audio", "shared mp3 bytes") == shared);
  int64_t waiting = 0;
  {
    pqxx::work tx(*conn);
    waiting =
        td::store::enqueue_summarize(tx, td::queue::Queue(), {"yt:aaaaaaaaaaa", "comprehensive", std::nullopt, false})
            .id;
    td::store::enqueue_summarize(tx, td::queue::Queue(), {"yt:bbbbbbbbbbb", "audio", std::nullopt, false});
    tx.commit();
  }
  // A pending reprocess: its row goes, its job is cancelled.
  REQUIRE(run_cli({"reprocess", "yt:aaaaaaaaaaa", "--variants", "audio", "--database-url", db.url()}).ok());
  REQUIRE(dir.has(own));

  auto r = run_cli({"delete", "https://www.youtube.com/watch?v=aaaaaaaaaaa", "--database-url", db.url()},
                   {"AUDIO_DIR=" + dir.path()});
  REQUIRE(r.ok());
  CHECK(r.out == "deleted yt:aaaaaaaaaaa: 2 job(s) cancelled, 1 audio file(s) removed\n");
  CHECK(r.err.empty());
  CHECK_FALSE(dir.has(own));
  CHECK(dir.has(shared));

  for (const char* table : {"transcripts", "summaries", "audio", "reprocess_requests"})
    CHECK(count(*conn, std::string("SELECT count(*) FROM ") + table + " WHERE video_id = 'yt:aaaaaaaaaaa'") == 0);
  CHECK(count(*conn, "SELECT count(*) FROM videos WHERE id = 'yt:aaaaaaaaaaa'") == 0);
  CHECK(count(*conn, "SELECT count(*) FROM videos WHERE id = 'yt:bbbbbbbbbbb'") == 1);
  CHECK(count(*conn, "SELECT count(*) FROM audio WHERE video_id = 'yt:bbbbbbbbbbb'") == 1);
  CHECK(count(*conn, "SELECT count(*) FROM jobs WHERE id = " + std::to_string(waiting) + " AND status = 'cancelled'") ==
        1);
  CHECK(count(*conn, "SELECT count(*) FROM jobs WHERE subject = 'yt:aaaaaaaaaaa' AND status <> 'cancelled'") == 0);
  CHECK(count(*conn, "SELECT count(*) FROM jobs WHERE status = 'queued'") == 1);
  {
    pqxx::read_transaction tx(*conn);
    auto rows = tx.exec("SELECT video_id, data::text FROM events WHERE type = 'report-deleted'");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0][0].as<std::string>() == "yt:aaaaaaaaaaa");
    CHECK(nlohmann::json::parse(rows[0][1].as<std::string>())["video_id"] == "yt:aaaaaaaaaaa");
  }

  // Again: the video is gone now. One line, non-zero, nothing emitted.
  auto gone = run_cli({"delete", "yt:aaaaaaaaaaa", "--database-url", db.url()}, {"AUDIO_DIR=" + dir.path()});
  CHECK(gone.exit_code == 1);
  CHECK(gone.err == "tubedigest delete: no such video: yt:aaaaaaaaaaa\n");
  CHECK(count(*conn, "SELECT count(*) FROM events WHERE type = 'report-deleted'") == 1);

  // The last video sharing the file takes it along; --json prints DELETE's answer.
  auto last = run_cli({"delete", "yt:bbbbbbbbbbb", "--json", "--database-url", db.url()}, {"AUDIO_DIR=" + dir.path()});
  REQUIRE(last.ok());
  CHECK(nlohmann::json::parse(last.out) ==
        nlohmann::json{{"deleted", true}, {"video_id", "yt:bbbbbbbbbbb"}, {"jobs_cancelled", 1}, {"files_removed", 1}});
  CHECK_FALSE(dir.has(shared));
  CHECK(count(*conn, "SELECT count(*) FROM videos") == 0);
}

TEST_CASE("DeleteWithoutAudioDirSaysWhichFilesStay") {
  td::test::TestDatabase db("cli");
  auto conn = td::test::migrated_connection(db.url());
  TempDir dir;
  seed_video(*conn, "yt:aaaaaaaaaaa", {"audio"});
  const auto file = seed_audio_file(*conn, dir.path(), "yt:aaaaaaaaaaa", "audio", "mp3 bytes");

  auto r = run_cli({"delete", "yt:aaaaaaaaaaa", "--database-url", db.url()}, {"AUDIO_DIR"});
  REQUIRE(r.ok());
  CHECK(r.out == "deleted yt:aaaaaaaaaaa: 0 job(s) cancelled, 0 audio file(s) removed\n");
  CHECK(r.err.find("1 audio file(s) stay in the deployment's AUDIO_DIR") != std::string::npos);
  CHECK(dir.has(file));
  CHECK(count(*conn, "SELECT count(*) FROM videos") == 0);
  CHECK(count(*conn, "SELECT count(*) FROM events WHERE type = 'report-deleted'") == 1);

  auto unknown = run_cli({"delete", "yt:zzzzzzzzzzz", "--database-url", db.url()});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.err == "tubedigest delete: no such video: yt:zzzzzzzzzzz\n");
  auto bad = run_cli({"delete", "https://example.com/watch?v=x", "--database-url", db.url()});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("not a YouTube") != std::string::npos);
  CHECK(count(*conn, "SELECT count(*) FROM events") == 1);
}

TEST_CASE("AudioStoreRemoveUnlinksOnlyPlainNamesOfItsFolder") {
  td::test::TestDatabase db("cli");
  auto conn = td::test::migrated_connection(db.url());
  TempDir dir, outside;
  seed_video(*conn, "yt:aaaaaaaaaaa", {"audio"});
  const auto file = seed_audio_file(*conn, dir.path(), "yt:aaaaaaaaaaa", "audio", "mp3 bytes");
  td::store::DirectoryAudioStore audio(dir.path());
  {
    pqxx::read_transaction tx(*conn);
    auto rec = td::store::current_audio(tx, "yt:aaaaaaaaaaa", "audio");
    REQUIRE(rec);
    CHECK(audio.load(tx, *rec) == "mp3 bytes");
    CHECK_THROWS_AS(td::store::PostgresAudioStore().load(tx, *rec), std::runtime_error);  // no folder known
  }
  { std::ofstream(outside.path() + "/victim.mp3") << "x"; }
  const std::string escape = "../" + outside.path().substr(outside.path().rfind('/') + 1) + "/victim.mp3";
  for (const std::string& bad : {escape, std::string(".."), std::string(".tubedigest-audio-store"), std::string()})
    CHECK_THROWS_AS(audio.remove(bad), std::invalid_argument);
  CHECK(outside.has("victim.mp3"));
  CHECK_FALSE(td::store::PostgresAudioStore().remove(file));
  CHECK(dir.has(file));
  CHECK(audio.remove(file));
  CHECK_FALSE(dir.has(file));
  CHECK_FALSE(audio.remove(file));  // already gone
}
