// Where the fake yt-dlp and the fixtures are, for tests run by ctest
// (TUBEDIGEST_SOURCE_DIR) or by hand from the repository root.
#pragma once

#include <string>
#include <vector>

#include "youtube/ytdlp_source.h"

namespace td::youtube::testing {

std::string source_dir();
std::string fixtures_dir();
std::string fake_ytdlp();
std::string read_fixture(const std::string& relative);

// A YtDlpConfig pointing at the fake, with its FAKE_YTDLP_* settings.
YtDlpConfig fake_config(std::vector<std::string> env = {});

// A file under a fresh temporary directory, removed by the destructor.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& contents);
  ~TempFile();
};

}  // namespace td::youtube::testing
