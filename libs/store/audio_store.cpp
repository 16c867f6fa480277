// The two AudioStore implementations and load_audio().
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/env.h"
#include "common/hash.h"
#include "store/audio.h"

namespace td::store {

AudioRecord insert_audio_row(pqxx::transaction_base& tx, AudioRecord rec, const std::optional<std::string>& data);
std::string load_postgres_audio(pqxx::transaction_base& tx, int64_t id);

namespace {

void fill_bytes(AudioRecord& rec, const std::string& mp3) {
  rec.bytes = static_cast<int64_t>(mp3.size());
  rec.sha256 = td::sha256_hex(mp3);
}

void write_fully(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "write " + path);
    off += static_cast<size_t>(n);
  }
}

}  // namespace

AudioRecord PostgresAudioStore::put(pqxx::transaction_base& tx, AudioRecord rec, const std::string& mp3) {
  fill_bytes(rec, mp3);
  rec.store = "postgres";
  rec.path.reset();
  return insert_audio_row(tx, rec, mp3);
}

DirectoryAudioStore::DirectoryAudioStore(std::string dir) : dir_(std::move(dir)) {
  if (::mkdir(dir_.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::system_error(errno, std::generic_category(), "AUDIO_DIR " + dir_);
}

AudioRecord DirectoryAudioStore::put(pqxx::transaction_base& tx, AudioRecord rec, const std::string& mp3) {
  fill_bytes(rec, mp3);
  rec.store = "dir";
  // Named by content: the same bytes always land in the same file.
  std::string name = rec.sha256 + ".mp3";
  std::string final_path = dir_ + "/" + name;
  std::string tmp = final_path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "create " + tmp);
  try {
    write_fully(fd, mp3, tmp);
    if (::fsync(fd) != 0) throw std::system_error(errno, std::generic_category(), "fsync " + tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw std::system_error(e, std::generic_category(), "rename to " + final_path);
  }
  rec.path = name;
  return insert_audio_row(tx, rec, std::nullopt);
}

std::string PostgresAudioStore::load(pqxx::transaction_base& tx, const AudioRecord& rec) const {
  return load_audio(tx, rec, "");
}

std::string DirectoryAudioStore::load(pqxx::transaction_base& tx, const AudioRecord& rec) const {
  return load_audio(tx, rec, dir_);
}

bool DirectoryAudioStore::remove(const std::string& file) {
  if (file.empty() || file.front() == '.' || file.find('/') != std::string::npos ||
      file.find('\0') != std::string::npos)
    throw std::invalid_argument("not a file name of the audio folder: '" + file + "'");
  const std::string path = dir_ + "/" + file;
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw std::system_error(errno, std::generic_category(), "remove " + path);
}

std::unique_ptr<AudioStore> audio_store_for(const std::string& audio_dir) {
  if (!audio_dir.empty()) return std::make_unique<DirectoryAudioStore>(audio_dir);
  return std::make_unique<PostgresAudioStore>();
}

std::unique_ptr<AudioStore> audio_store_from_env() { return audio_store_for(env::get_or("AUDIO_DIR", "")); }

std::string load_audio(pqxx::transaction_base& tx, const AudioRecord& rec, const std::string& audio_dir) {
  if (rec.store == "postgres") return load_postgres_audio(tx, rec.id);
  if (!rec.path) throw std::runtime_error("audio row " + std::to_string(rec.id) + " has no file name");
  if (audio_dir.empty())
    throw std::runtime_error("audio " + rec.url_path() + " is stored as a file, but AUDIO_DIR is not set here");
  std::ifstream in(audio_dir + "/" + *rec.path, std::ios::binary);
  if (!in) throw std::runtime_error("audio file " + audio_dir + "/" + *rec.path + " is missing");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace td::store
