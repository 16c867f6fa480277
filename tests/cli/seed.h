// Rows for the CLI tests: a video with summaries, audio files, and the CLI
// itself run as a process.
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/process.h"

namespace td::cli_test {

// A video with a transcript and one summary per variant (without summaries:
// only the video row, with `variants` as its requested variants).
void seed_video(pqxx::connection& c, const std::string& video_id, const std::vector<std::string>& variants,
                bool with_summaries = true);

// An audio row of `video_id` whose bytes are stored as a file in `dir`
// (DirectoryAudioStore); returns the file name.
std::string seed_audio_file(pqxx::connection& c, const std::string& dir, const std::string& video_id,
                            const std::string& variant, const std::string& bytes);

// build/bin/tubedigest with `args`; `env` as process::Options::extra_env.
td::process::Result run_cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

int64_t count(pqxx::connection& c, const std::string& sql);

// A fresh folder under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  bool has(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace td::cli_test
