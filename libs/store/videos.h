// videos: one row per YouTube video (schema/004_videos.sql).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/clock.h"

namespace td::store {

// Thrown by the operations that need the video to exist (schedule_reprocess,
// delete_video): what() is "no such video: yt:<id>", the gateway's 404 text.
class UnknownVideo : public std::runtime_error {
 public:
  explicit UnknownVideo(const std::string& video_id)
      : std::runtime_error("no such video: " + video_id), video_id_(video_id) {}
  const std::string& video_id() const { return video_id_; }

 private:
  std::string video_id_;
};

struct Video {
  std::string id;  // "yt:<id>"
  std::string url;
  std::optional<std::string> title;
  std::optional<std::string> channel;
  std::optional<double> duration_s;
  nlohmann::json metadata = nlohmann::json::object();
  bool metadata_missing = false;
  std::vector<std::string> requested_variants;
  Clock::time_point created_at{};
  Clock::time_point updated_at{};
};

// Inserts the video or updates what ingest learned; requested variants are
// merged (union, order kept), never dropped. Returns the merged list.
std::vector<std::string> upsert_video(pqxx::transaction_base& tx, const Video& v);
// Records variants a request asked for (submit, reprocess) without
// touching metadata; creates the row (with only its url) when missing.
void add_requested_variants(pqxx::transaction_base& tx, const std::string& video_id, const std::string& url,
                            const std::vector<std::string>& variants);

std::optional<Video> get_video(pqxx::transaction_base& tx, const std::string& id);
// Same, and locks the row until the transaction ends: stages that decide
// "is everything requested now stored?" serialize on it, so two workers
// finishing the last two variants cannot both miss the other's row.
std::optional<Video> lock_video(pqxx::transaction_base& tx, const std::string& id);

struct VideoPage {
  std::vector<Video> videos;
  std::optional<std::string> next_cursor;  // opaque; absent on the last page
};
// Newest first. `q` matches id, title or channel (case-insensitive); empty
// for all. Throws std::invalid_argument for a cursor it did not make.
VideoPage list_videos(pqxx::transaction_base& tx, const std::string& q, int limit,
                      const std::optional<std::string>& cursor);

// Deletes the row; its transcript, summaries, audio rows and chunk notes go
// with it (ON DELETE CASCADE). Jobs, events and files are delete_video's
// business (store/video_delete.h). False when there was no row.
bool delete_video_row(pqxx::transaction_base& tx, const std::string& id);

}  // namespace td::store
