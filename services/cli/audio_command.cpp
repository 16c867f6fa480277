// audio: writes a stored MP3 to a file, from whichever store holds it.
#include <cstdio>
#include <iostream>

#include <cxxopts.hpp>

#include "catalog/catalog.h"
#include "commands.h"
#include "common/env.h"
#include "common/hash.h"
#include "db/connection.h"
#include "files.h"
#include "store/audio.h"
#include "store/videos.h"
#include "variants/variants.h"
#include "youtube/link.h"

namespace td::cli {

namespace {

int audio_command(const Args& args) {
  cxxopts::Options o("tubedigest audio",
                     "Write the current MP3 of an audio variant to a file.\n"
                     "  tubedigest audio yt:<id> <variant> -o FILE.mp3   (-o - for standard output)\n"
                     "Files stored in a directory are read from $AUDIO_DIR.");
  o.add_options()("o,output", "file to write ('-': standard output; devices and FIFOs are written in place)",
                  cxxopts::value<std::string>())("database-url", "PostgreSQL URL (default: $DATABASE_URL)",
                                                 cxxopts::value<std::string>()->default_value(""))(
      "video", "video id, yt:<id>", cxxopts::value<std::string>())(
      "variant", "audio variant", cxxopts::value<std::string>())("h,help", "show this help");
  o.parse_positional({"video", "variant"});
  o.positional_help("yt:<id> <variant>");
  auto r = parse_args(o, "audio", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  if (!r.count("video") || !r.count("variant") || !r.count("output")) {
    std::cerr << "usage: tubedigest audio yt:<id> <variant> -o FILE.mp3\n";
    return 2;
  }
  // Checked before any query: a bad id is a clear one-line message, not a
  // PostgreSQL encoding error.
  std::string video_id = youtube::canonical_key(r["video"].as<std::string>());
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
  catalog::prepare(*conn);
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
  if (td::sha256_hex(bytes) != rec->sha256)
    throw std::runtime_error("audio " + rec->url_path() + " does not match its stored sha256 (file changed on disk?)");
  write_output(out, bytes);
  // With -o - the MP3 is on standard output: the summary goes to stderr.
  std::fprintf(out == "-" ? stderr : stdout,
               "wrote %s: %zu bytes, %.1f s, %s audio of summary revision %d (engine %s)\n", out.c_str(), bytes.size(),
               rec->duration_s, rec->variant.c_str(), rec->summary_revision, rec->engine.c_str());
  return 0;
}

}  // namespace

void register_audio_command() {
  registry()["audio"] = {"write a stored MP3 to a file: audio yt:<id> <variant> -o FILE.mp3", audio_command};
}

}  // namespace td::cli
