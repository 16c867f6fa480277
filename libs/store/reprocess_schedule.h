// schedule_reprocess: the one way a reprocess is asked for, whoever asks
// (POST /api/reprocess, `tubedigest reprocess`).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "queue/queue.h"
#include "store/reprocess.h"

namespace td::store {

// Thrown when no variants were given and the video has neither a summary
// nor a requested variant to rewrite. what() names the video; callers add
// how to name variants in their own terms ("pass summary_types").
class NothingToReprocess : public std::invalid_argument {
 public:
  explicit NothingToReprocess(const std::string& video_id)
      : std::invalid_argument("video " + video_id + " has no variants yet") {}
};

struct ScheduledReprocess {
  // false: a pending request with the same video, variants and audio flag
  // already existed; `request` is that one and nothing new was queued.
  bool created = false;
  ReprocessRequest request;  // id, variants (canonical, as stored), job_ids, regenerate_audio

  const char* status() const { return created ? "scheduled" : "already_scheduled"; }
  // The document POST /api/reprocess answers (202) and
  // `tubedigest reprocess --json` prints.
  nlohmann::json to_json() const;
};

// Opens a reprocess request for `video_id` ("yt:<id>") in `tx`, or finds the
// pending one with the same key (store::reprocess_key). A new request records
// its variants on the video, queues one summarize job per variant (payload
// reprocess_id and regenerate_audio), stores their ids on the request,
// increments the metric reprocess_requested and emits reprocess-scheduled
// {reprocess_id, variants, job_ids, regenerate_audio}; a pending one changes
// nothing.
//
// `variants` absent: the video's summarized variants, else the variants it
// was requested with. Given: each name goes through parse_variant_list
// (td::UnknownVariant lists the valid names); an empty list is
// std::invalid_argument. Throws UnknownVideo when there is no such video and
// NothingToReprocess when there is nothing to rewrite.
ScheduledReprocess schedule_reprocess(pqxx::transaction_base& tx, const queue::Queue& q, const std::string& video_id,
                                      const std::optional<std::vector<std::string>>& variants, bool regenerate_audio);

}  // namespace td::store
