// delete: DELETE /api/reports/yt:<id> from the command line (store::delete_video).
#include <cstdio>
#include <iostream>

#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "commands.h"
#include "common/env.h"
#include "db/connection.h"
#include "store/audio.h"
#include "store/video_delete.h"
#include "store/videos.h"
#include "youtube/link.h"

namespace td::cli {

namespace {

int delete_command(const Args& args) {
  cxxopts::Options o(
      "tubedigest delete",
      "Remove a video, its transcript, summaries and audio, as DELETE /api/reports/yt:<id> does:\n"
      "its waiting jobs are cancelled, and its MP3s in $AUDIO_DIR removed unless another video shares them.");
  o.add_options()("database-url", "PostgreSQL URL (default: $DATABASE_URL)",
                  cxxopts::value<std::string>()->default_value(""))(
      "json", "print the answer of DELETE /api/reports/yt:<id>")("h,help", "show this help");
  add_video_argument(o);
  auto r = parse_args(o, "delete", args);
  if (r.count("help")) return std::cout << o.help(), 0;
  const auto video_id = video_argument(r, "delete");
  // Opened before anything is deleted: an AUDIO_DIR that cannot be used
  // stops the command while the video is still whole.
  auto audio = store::audio_store_from_env();

  auto conn = open_store(r["database-url"].as<std::string>());
  store::DeletedVideo deleted;
  {
    pqxx::work tx(*conn);
    try {
      deleted = store::delete_video(tx, queue::Queue(), video_id);
    } catch (const store::UnknownVideo& e) {
      std::cerr << "tubedigest delete: " << e.what() << "\n";
      return 1;
    }
    tx.commit();
  }
  // The rows are gone; a file that cannot be removed is only left behind.
  const int removed =
      store::remove_audio_files(*audio, deleted.orphaned_files, [](const std::string& file, const std::exception& e) {
        std::cerr << "tubedigest delete: could not remove audio file " << file << ": " << e.what() << "\n";
      });
  if (audio->name() == "postgres" && !deleted.orphaned_files.empty())
    std::cerr << "tubedigest delete: " << deleted.orphaned_files.size()
              << " audio file(s) stay in the deployment's AUDIO_DIR: AUDIO_DIR is not set here\n";
  if (r.count("json")) {
    nlohmann::json j{{"deleted", true},
                     {"video_id", video_id},
                     {"jobs_cancelled", deleted.jobs_cancelled},
                     {"files_removed", removed}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("deleted %s: %d job(s) cancelled, %d audio file(s) removed\n", video_id.c_str(), deleted.jobs_cancelled,
              removed);
  return 0;
}

}  // namespace

void register_delete_command() {
  registry()["delete"] = {"remove a video, its outputs and audio files: delete yt:<id>", delete_command};
}

}  // namespace td::cli
