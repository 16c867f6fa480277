// audio: writes a stored MP3 to a file, from whichever store holds it.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <system_error>

#include <cxxopts.hpp>

#include "commands.h"
#include "common/env.h"
#include "db/connection.h"
#include "store/audio.h"
#include "store/statements.h"
#include "store/videos.h"
#include "variants/variants.h"

namespace td::cli {

namespace {

// Writes through a temporary file and a rename, so FILE is either the whole
// MP3 or untouched (a player never opens half a file).
void write_file(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create " + tmp);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::system_error(e, std::generic_category(), "cannot write " + tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw std::system_error(e, std::generic_category(), "cannot write " + path);
  }
}

int audio_command(const Args& args) {
  cxxopts::Options o("tubedigest audio", "Write the current MP3 of an audio variant to a file.\n"
                                         "  tubedigest audio yt:<id> <variant> -o FILE.mp3\n"
                                         "Files stored in a directory are read from $AUDIO_DIR.");
  o.add_options()("o,output", "file to write", cxxopts::value<std::string>())(
      "database-url", "PostgreSQL URL (default: $DATABASE_URL)", cxxopts::value<std::string>()->default_value(""))(
      "video", "video id, yt:<id>", cxxopts::value<std::string>())("variant", "audio variant",
                                                                    cxxopts::value<std::string>())(
      "h,help", "show this help");
  o.parse_positional({"video", "variant"});
  o.positional_help("yt:<id> <variant>");
  auto r = parse_args(o, "audio", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  if (!r.count("video") || !r.count("variant") || !r.count("output")) {
    std::cerr << "usage: tubedigest audio yt:<id> <variant> -o FILE.mp3\n";
    return 2;
  }
  std::string video_id = r["video"].as<std::string>();
  std::string out = r["output"].as<std::string>();
  td::Variant variant;
  try {
    variant = td::parse_variant(r["variant"].as<std::string>());
  } catch (const td::UnknownVariant& e) {
    std::cerr << "tubedigest audio: " << e.what() << "\n";
    return 2;
  }
  if (!variant.is_audio()) {
    std::cerr << "tubedigest audio: '" << variant.name() << "' is a text variant; audio variants are audio, audio-fr, "
              << "audio-es (the last two with :beginner|:intermediate|:advanced)\n";
    return 2;
  }

  auto conn = db::connect(database_url_from(r["database-url"].as<std::string>()));
  store::prepare(*conn);
  pqxx::read_transaction tx(*conn);
  if (!store::get_video(tx, video_id)) {
    std::cerr << "tubedigest audio: unknown video '" << video_id << "' (ids look like yt:dQw4w9WgXcQ)\n";
    return 1;
  }
  auto rec = store::current_audio(tx, video_id, variant.name());
  if (!rec) {
    std::cerr << "tubedigest audio: no " << variant.name() << " audio stored for " << video_id << " yet\n";
    return 1;
  }
  std::string bytes = store::load_audio(tx, *rec, env::get_or("AUDIO_DIR", ""));
  if (store::sha256_hex(bytes) != rec->sha256)
    throw std::runtime_error("audio " + rec->url_path() + " does not match its stored sha256 (file changed on disk?)");
  write_file(out, bytes);
  std::printf("wrote %s: %zu bytes, %.1f s, %s audio of summary revision %d (engine %s)\n", out.c_str(), bytes.size(),
              rec->duration_s, rec->variant.c_str(), rec->summary_revision, rec->engine.c_str());
  return 0;
}

}  // namespace

void register_audio_command() {
  registry()["audio"] = {"write a stored MP3 to a file: audio yt:<id> <variant> -o FILE.mp3", audio_command};
}

}  // namespace td::cli
