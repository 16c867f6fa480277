#include "cli/seed.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "common/hash.h"
#include "store/audio.h"
#include "store/summaries.h"
#include "store/transcripts.h"
#include "store/videos.h"
#include "support/pg.h"
#include "support/store_rows.h"

namespace td::cli_test {

void seed_video(pqxx::connection& c, const std::string& video_id, const std::vector<std::string>& variants,
                bool with_summaries) {
  pqxx::work tx(c);
  test::seed_video_row(tx, video_id, variants);
  if (with_summaries) {
    test::seed_transcript_row(tx, video_id, "a transcript of a video about testing the command line");
    for (const auto& name : variants) test::seed_summary_row(tx, video_id, name);
  }
  tx.commit();
}

std::string seed_audio_file(pqxx::connection& c, const std::string& dir, const std::string& video_id,
                            const std::string& variant, const std::string& bytes) {
  pqxx::work tx(c);
  store::AudioRecord a;
  a.video_id = video_id;
  a.variant = variant;
  a.summary_revision = 1;
  a.script_hash = td::sha256_hex(video_id + variant);
  a.engine = "espeak";
  a.duration_s = 1;
  auto stored = store::DirectoryAudioStore(dir).put(tx, a, bytes);
  tx.commit();
  return *stored.path;
}

td::process::Result run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  std::vector<std::string> argv{td::test::bin_path("tubedigest")};
  argv.insert(argv.end(), args.begin(), args.end());
  td::process::Options o;
  o.timeout = std::chrono::seconds(30);
  o.extra_env = env;
  return td::process::run(argv, o);
}

int64_t count(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction tx(c);
  return tx.exec1(sql)[0].as<int64_t>();
}

TempDir::TempDir() {
  char tmpl[] = "/tmp/td-cli-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool TempDir::has(const std::string& name) const { return ::access((path_ + "/" + name).c_str(), F_OK) == 0; }

}  // namespace td::cli_test
