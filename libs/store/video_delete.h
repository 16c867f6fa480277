// delete_video: the one way a video goes (DELETE /api/reports/yt:<id>,
// `tubedigest delete`).
//
// Rows and files part in two steps: delete_video() changes rows in the
// caller's transaction and returns the files left without a row; the caller
// commits, then removes them (remove_audio_files). A rolled-back delete thus
// never loses audio, and a crash in between leaves an unreferenced file,
// nothing worse.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "queue/queue.h"
#include "store/audio.h"

namespace td::store {

struct DeletedVideo {
  std::string video_id;
  int jobs_cancelled = 0;
  // Names under AUDIO_DIR of files only this video's rows referred to
  // (identical MP3s share one file: a file another video uses stays).
  std::vector<std::string> orphaned_files;
};

// Locks the video, cancels its queued and failed jobs (they would only fail;
// a running one finds the video gone and stops), deletes its rows and emits
// report-deleted {video_id}. Throws UnknownVideo when there is no such video.
DeletedVideo delete_video(pqxx::transaction_base& tx, const queue::Queue& q, const std::string& video_id);

// After the commit: removes `files` through `audio` (AudioStore::remove) and
// returns how many it removed. A file that cannot be removed goes to
// `on_error` with the reason, and the others are still removed.
int remove_audio_files(AudioStore& audio, const std::vector<std::string>& files,
                       const std::function<void(const std::string& file, const std::exception& error)>& on_error);

}  // namespace td::store
