#include "store/video_delete.h"

#include "events/outbox.h"
#include "events/types.h"
#include "store/videos.h"

namespace td::store {

namespace {

// More jobs than a video ever has (one per stage and variant, plus retries
// and reprocesses).
constexpr int kMaxJobsPerVideo = 1000;

}  // namespace

DeletedVideo delete_video(pqxx::transaction_base& tx, const queue::Queue& q, const std::string& video_id) {
  if (!lock_video(tx, video_id)) throw UnknownVideo(video_id);
  DeletedVideo out{video_id, 0, {}};
  auto files = audio_files_of_video(tx, video_id);
  for (const auto& j : q.jobs_for_subject(tx, video_id, kMaxJobsPerVideo))
    if ((j.status == queue::JobStatus::queued || j.status == queue::JobStatus::failed) && q.cancel(tx, j.id))
      ++out.jobs_cancelled;
  delete_video_row(tx, video_id);
  for (const auto& f : files)
    if (!audio_file_in_use(tx, f)) out.orphaned_files.push_back(f);
  // Last before the commit (events/outbox.h).
  events::emit(tx, events::type::report_deleted, video_id, {{"video_id", video_id}});
  return out;
}

int remove_audio_files(AudioStore& audio, const std::vector<std::string>& files,
                       const std::function<void(const std::string& file, const std::exception& error)>& on_error) {
  int removed = 0;
  for (const auto& f : files) {
    try {
      if (audio.remove(f)) ++removed;
    } catch (const std::exception& e) {
      on_error(f, e);
    }
  }
  return removed;
}

}  // namespace td::store
