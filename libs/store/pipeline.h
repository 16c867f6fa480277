// The jobs that carry a video through the stages, and their payloads: the
// contract between ingest, summarize, tts and whoever submits.
//
//   ingest    {video_id, url, variants[], transcript?, refresh?}
//             dedup ingest:<video> (ingest-refresh:<video> for a refresh)
//   summarize {video_id, variant, reprocess_id?, regenerate_audio?}
//             dedup summarize:<video>:<variant> (reprocess:<id>:<variant> for a reprocess)
//   tts       {video_id, variant, summary_revision, regenerate_audio, reprocess_id?}
//             dedup tts:<video>:<variant>[:reprocess:<id>]
// Every job's subject is the video id, so a report can show its jobs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "queue/queue.h"

namespace td::store {

inline constexpr const char* kIngestKind = "ingest";
inline constexpr const char* kSummarizeKind = "summarize";
inline constexpr const char* kTtsKind = "tts";

struct IngestRequest {
  std::string video_id;
  std::string url;
  std::vector<std::string> variants;
  std::optional<std::string> transcript;  // user-supplied: skips the fetch
  // Fetch from YouTube again (metadata and captions): neither the stored
  // transcript nor the metadata cache is used. Without it a video whose
  // transcript is stored reuses it (services/ingest/ingest_stage.h).
  bool refresh = false;
};

struct SummarizeRequest {
  std::string video_id;
  std::string variant;
  std::optional<int64_t> reprocess_id;
  bool regenerate_audio = false;
};

struct TtsRequest {
  std::string video_id;
  std::string variant;
  int summary_revision = 0;
  bool regenerate_audio = false;
  std::optional<int64_t> reprocess_id;
};

// enqueue_ingest also records the requested variants on the video (creating
// its row); the others assume the video exists.
queue::Enqueued enqueue_ingest(pqxx::transaction_base& tx, const queue::Queue& q, const IngestRequest& r);
queue::Enqueued enqueue_summarize(pqxx::transaction_base& tx, const queue::Queue& q, const SummarizeRequest& r);
queue::Enqueued enqueue_tts(pqxx::transaction_base& tx, const queue::Queue& q, const TtsRequest& r);

// Payload parsing; throws td::PermanentError("bad_payload") naming the field.
IngestRequest ingest_request_from(const nlohmann::json& payload);
SummarizeRequest summarize_request_from(const nlohmann::json& payload);
TtsRequest tts_request_from(const nlohmann::json& payload);

}  // namespace td::store
