// What every stage does alike when a job fails or a reprocess ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "queue/queue.h"
#include "stage/stage.h"
#include "store/reprocess.h"
#include "worker/worker.h"

namespace td::stage {

// The labelled counter family of failed ingest attempts with a YouTube HTTP
// error, label status_class "4xx" or "5xx" (metrics::increment(tx, family,
// labels)).
inline constexpr const char* kIngestHttpErrors = "ingest_http_errors";

// The worker's on_failure for a stage, in the failure's transaction. Emits
// `names.error_event` while a retry follows, else `names.failed_event`, with
// {video_id, variant (has_variant), stage, reason, error, attempt,
// max_attempts, job_id}, plus http_status (a number) when the failure came
// from an upstream HTTP answer (worker::Failure::http_status). An ingest
// failure whose status is 4xx or 5xx also counts kIngestHttpErrors with its
// status_class, in the same transaction. A job of a reprocess that gives up
// fails the whole request once (the first to give up; later ones find it no
// longer pending):
// reprocess_failure and reprocess-error {video_id, reprocess_id, variant,
// stage, reason, error}. The payload may be what failed: whatever of it
// does not parse is left null (the video falls back to the job's subject).
void announce_failure(pqxx::transaction_base& tx, const Names& names, const queue::Job& job,
                      const worker::Failure& failure);

// Completes `request` (locked by the caller, after the video row) when it is
// still pending and every output it asked for is stored: reprocess_success
// and the reprocess-complete event's data {video_id, reprocess_id, variants}
// to emit. Of two jobs finishing a request at once exactly one completes it.
std::optional<nlohmann::json> complete_reprocess(pqxx::transaction_base& tx, const store::ReprocessRequest& request,
                                                 const std::string& video_id);

}  // namespace td::stage
