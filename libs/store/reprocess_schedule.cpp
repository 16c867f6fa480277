#include "store/reprocess_schedule.h"

#include "events/outbox.h"
#include "events/types.h"
#include "metrics/metrics.h"
#include "store/pipeline.h"
#include "store/summaries.h"
#include "store/videos.h"
#include "variants/variants.h"

namespace td::store {

namespace {

// Canonical names ("audio-fr" -> "audio-fr:intermediate"), checked.
std::vector<std::string> canonical_variants(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& v : parse_variant_list(names)) out.push_back(v.name());
  if (out.empty()) throw std::invalid_argument("no variants given; " + valid_variants_help());
  return out;
}

}  // namespace

nlohmann::json ScheduledReprocess::to_json() const {
  return {{"status", status()},           {"reprocess_id", request.id}, {"video_id", request.video_id},
          {"variants", request.variants}, {"job_ids", request.job_ids}, {"regenerate_audio", request.regenerate_audio}};
}

ScheduledReprocess schedule_reprocess(pqxx::transaction_base& tx, const queue::Queue& q, const std::string& video_id,
                                      const std::optional<std::vector<std::string>>& variants, bool regenerate_audio) {
  // Names are checked before the video is looked up: a bad name is the
  // caller's mistake whatever the database holds.
  std::vector<std::string> names;
  if (variants) names = canonical_variants(*variants);
  auto video = get_video(tx, video_id);
  if (!video) throw UnknownVideo(video_id);
  if (!variants) {
    for (const auto& s : current_summaries(tx, video_id)) names.push_back(s.variant);
    if (names.empty()) names = video->requested_variants;
    if (names.empty()) throw NothingToReprocess(video_id);
  }

  auto opened = open_reprocess(tx, video_id, names, regenerate_audio);
  ScheduledReprocess out{opened.created, std::move(opened.request)};
  if (!out.created) return out;
  add_requested_variants(tx, video_id, video->url, names);
  std::vector<int64_t> ids;
  for (const auto& v : out.request.variants)
    ids.push_back(enqueue_summarize(tx, q, {video_id, v, out.request.id, regenerate_audio}).id);
  set_reprocess_jobs(tx, out.request.id, ids);
  out.request.job_ids = ids;
  metrics::increment(tx, "reprocess_requested");
  events::emit(tx, events::type::reprocess_scheduled, video_id,
               {{"reprocess_id", out.request.id},
                {"variants", out.request.variants},
                {"job_ids", ids},
                {"regenerate_audio", regenerate_audio}});
  return out;
}

}  // namespace td::store
