// `tubedigest audio`, run as a process, against rows the tts stage stored.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/process.h"

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

  // -o: a regular file is replaced whole; a device or FIFO is written in
  // place and stays what it is; "-" is standard output.
  const std::vector<std::string> base{
      td::test::bin_path("tubedigest"), "audio", "yt:cli00000001", "audio", "--database-url", db.url()};
  auto with = [&](std::vector<std::string> extra) {
    auto argv = base;
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  };
  {
    std::ofstream(en) << "an older, shorter file";
    auto r = td::process::run(with({"-o", en}));
    CHECK(r.ok());
    CHECK(read_file(en) == bytes);
  }
  {
    auto r = td::process::run(with({"-o", "/dev/null"}));
    CHECK(r.ok());
    struct stat st {};
    REQUIRE(::lstat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
  }
  {
    auto r = td::process::run(with({"-o", "-"}));
    CHECK(r.ok());
    CHECK(r.out == bytes);
    CHECK(r.err.find("wrote -") != std::string::npos);
  }
  {
    const std::string fifo = out_dir.path() + "/pipe";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::string got;
    std::thread reader([&] { got = read_file(fifo); });
    auto r = td::process::run(with({"-o", fifo}), {.timeout = std::chrono::seconds(20)});
    reader.join();
    CHECK(r.ok());
    CHECK(got == bytes);
    struct stat st {};
    REQUIRE(::lstat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
  }
  {
    auto r = td::process::run(with({"-o", "/dev/full"}));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("cannot write /dev/full: No space left on device") != std::string::npos);
    struct stat st {};
    REQUIRE(::lstat("/dev/full", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
  }
  {
    auto r = td::process::run(with({"-o", out_dir.path()}));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("Is a directory") != std::string::npos);
  }
  // A bad id is refused before any query, in one line.
  auto bad = td::process::run({td::test::bin_path("tubedigest"), "audio",
                               "yt:\xff\xfe\x80"
                               "abc",
                               "audio", "-o", none, "--database-url", db.url()});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("not a YouTube video link") != std::string::npos);
  CHECK(bad.err.find('\n') == bad.err.size() - 1);
  CHECK(out_dir.files() == std::vector<std::string>{"en.mp3", "fr.mp3", "pipe"});
}
