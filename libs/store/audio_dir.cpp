#include "store/audio_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "db/connection.h"
#include "store/statements.h"

namespace td::store {

const Statement kAudioDirStatements[] = {
    // Held to the end of the claim's transaction: two services starting at
    // once do not both write a marker. (The key is arbitrary but fixed.)
    {"td_audio_dir_lock", "SELECT pg_advisory_xact_lock(7463100601)"},
    {"td_fact_get", "SELECT value FROM deployment_facts WHERE name = $1"},
    {"td_fact_put", R"SQL(
INSERT INTO deployment_facts (name, value) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = now())SQL"},
};
const size_t kAudioDirStatementCount = std::size(kAudioDirStatements);

namespace {

namespace fs = std::filesystem;

std::string read_marker(const fs::path& path) {
  std::ifstream in(path);
  std::string id;
  if (in) std::getline(in, id);
  return id;
}

void write_marker(const fs::path& path, const std::string& id) {
  fs::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << id << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp);
    throw std::runtime_error("cannot write " + path.string() + ": " + ec.message());
  }
}

std::string new_id() {
  std::random_device rd;
  std::ostringstream s;
  s << std::hex;
  for (int i = 0; i < 4; ++i) s << rd();
  return s.str();
}

}  // namespace

void claim_audio_dir(pqxx::connection_base& conn, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("AUDIO_DIR " + dir + ": " + ec.message());
  const fs::path marker = fs::path(dir) / kAudioDirMarker;

  pqxx::work tx(conn);
  tx.exec_prepared("td_audio_dir_lock");
  auto rows = tx.exec_prepared("td_fact_get", "audio_dir_id");
  std::string here = read_marker(marker);
  if (rows.empty()) {
    std::string id = here.empty() ? new_id() : here;
    if (here.empty()) write_marker(marker, id);
    tx.exec_prepared("td_fact_put", "audio_dir_id", id);
    tx.commit();
    return;
  }
  const std::string expected = rows[0][0].as<std::string>();
  if (here == expected) return;
  throw std::runtime_error(
      "AUDIO_DIR " + dir + " is not the audio folder the other services use (" +
      (here.empty() ? std::string("it has no ") + kAudioDirMarker : std::string(kAudioDirMarker) + " differs") +
      "): mount the same folder or volume at AUDIO_DIR in every tts and gateway process, or unset AUDIO_DIR "
      "everywhere to keep audio in PostgreSQL");
}

void claim_audio_dir(const std::string& url, const std::string& dir, std::chrono::milliseconds give_up) {
  auto conn = db::connect_for_startup(url, "check AUDIO_DIR", give_up);
  prepare(*conn);
  claim_audio_dir(*conn, dir);
  spdlog::info("audio dir {} is the deployment's (marker {})", dir, kAudioDirMarker);
}

}  // namespace td::store
