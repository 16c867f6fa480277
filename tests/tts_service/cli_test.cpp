// `tubedigest audio`, run as a process, against rows the tts stage stored.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "harness.h"
#include "support/helpers.h"
#include "support/pg.h"
#include "tts/mp3_decode.h"

using namespace td::tts_service_test;

namespace {

// Runs the CLI; returns its exit code.
int run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{td::test::bin_path("tubedigest")};
  argv.insert(argv.end(), args.begin(), args.end());
  td::test::ChildProcess p(argv, env);
  int status = p.wait();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("AudioCommand: writes the stored MP3 from Postgres or AUDIO_DIR; clear failures otherwise") {
  td::test::TestDatabase db("ttscli");
  auto conn = td::test::migrated_connection(db.url());
  TempDir audio_dir, out_dir;
  seed_video(*conn, "yt:cli00000001", {"audio", "audio-fr"});
  seed_summary(*conn, "yt:cli00000001", "audio", kEnglishScript);
  seed_summary(*conn, "yt:cli00000001", "audio-fr", "Le soleil produit de l'électricité bon marché.", "fr");
  {
    RunningStage pg(db.url(), espeak_engine(), std::make_shared<td::store::PostgresAudioStore>());
    REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:cli00000001", "audio", 1, false, std::nullopt})) == "done");
  }
  {
    RunningStage dir(db.url(), espeak_engine(), std::make_shared<td::store::DirectoryAudioStore>(audio_dir.path()));
    REQUIRE(wait_finished(*conn, enqueue_tts(*conn, {"yt:cli00000001", "audio-fr", 1, false, std::nullopt})) == "done");
  }
  auto rows = audio_rows(*conn, "yt:cli00000001");
  REQUIRE(rows.size() == 2);

  std::string en = out_dir.path() + "/en.mp3";
  REQUIRE(run_cli({"audio", "yt:cli00000001", "audio", "-o", en, "--database-url", db.url()}) == 0);
  std::string bytes = read_file(en);
  CHECK(bytes == load(*conn, rows[0]));
  auto d = td::tts::test::decode_mp3(bytes);
  CHECK(std::abs(d.seconds() - rows[0].duration_s) < 0.08);
  CHECK(d.rms() > 300);

  std::string fr = out_dir.path() + "/fr.mp3";
  CHECK(run_cli({"audio", "yt:cli00000001", "audio-fr", "-o", fr, "--database-url", db.url()},
                {"AUDIO_DIR=" + audio_dir.path()}) == 0);
  CHECK(read_file(fr) == load(*conn, rows[1], audio_dir.path()));
  CHECK(td::tts::test::decode_mp3(read_file(fr)).seconds() > 1.0);

  // Failures: exit non-zero and leave no file behind.
  std::string none = out_dir.path() + "/none.mp3";
  CHECK(run_cli({"audio", "yt:nosuchvideo", "audio", "-o", none, "--database-url", db.url()}) == 1);
  CHECK(run_cli({"audio", "yt:cli00000001", "audio-es", "-o", none, "--database-url", db.url()}) == 1);
  CHECK(run_cli({"audio", "yt:cli00000001", "comprehensive", "-o", none, "--database-url", db.url()}) == 2);
  CHECK(run_cli({"audio", "yt:cli00000001", "audio-de", "-o", none, "--database-url", db.url()}) == 2);
  CHECK(run_cli({"audio", "yt:cli00000001", "audio", "--database-url", db.url()}) == 2);
  CHECK(out_dir.files() == std::vector<std::string>{"en.mp3", "fr.mp3"});
}
