#include "paths.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/env.h"

namespace fs = std::filesystem;

namespace td::youtube::testing {

std::string source_dir() { return td::env::get_or("TUBEDIGEST_SOURCE_DIR", fs::current_path().string()); }
std::string fixtures_dir() { return source_dir() + "/tests/youtube/fixtures"; }
std::string fake_ytdlp() { return source_dir() + "/tests/youtube/fake-yt-dlp"; }

std::string read_fixture(const std::string& relative) {
  std::ifstream in(fixtures_dir() + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("missing fixture " + relative + " (run from the repository root)");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

YtDlpConfig fake_config(std::vector<std::string> env) {
  YtDlpConfig c;
  c.path = fake_ytdlp();
  c.timeout = std::chrono::seconds(20);
  env.push_back("FAKE_YTDLP_FIXTURES=" + fixtures_dir());
  c.extra_env = std::move(env);
  return c;
}

TempFile::TempFile(const std::string& contents) {
  std::string tmpl = (fs::temp_directory_path() / "td-yt-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path = tmpl + "/file";
  std::ofstream(path, std::ios::binary) << contents;
}

TempFile::~TempFile() {
  std::error_code ec;
  fs::remove_all(fs::path(path).parent_path(), ec);
}

}  // namespace td::youtube::testing
