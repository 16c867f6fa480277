// The ingest stage: a link becomes a stored video with its transcript, and
// one summarize job per requested variant.
//
// For each ingest job:
//   1. The transcript's path: the user's (the job carries one), the stored
//      one (the video has a transcript row and the job does not ask for a
//      refresh: a video submitted again makes no caption download), or a
//      fetch (first time, or `refresh`).
//   2. If YouTube is throttling us (the cluster-wide pause "youtube" in the
//      pauses table is active) and the transcript must be fetched, the job
//      goes back to wait for the pause's end (RetryLater): no attempt
//      counted, nothing failed.
//   3. Metadata: from metadata_cache when younger than METADATA_CACHE_TTL (no
//      outside call; a refresh skips the cache), else from the
//      MetadataSource (yt-dlp, then the Data API), cached when it is final
//      (not a live stream).
//      With a user-supplied or stored transcript metadata is best effort:
//      no outside call while the pause is active, and when every source
//      fails the video keeps the metadata an earlier ingest stored, or is
//      stored with what is known, marked metadata_missing.
//   4. Transcript: the user's, the stored row as it is, or the
//      TranscriptSource's (manual captions in the video's language first,
//      see libs/youtube/track_choice.h). None -> permanent failure
//      `no_transcript`; a live stream that has not ended ->
//      `live_not_finished`. A summary is never written from the title alone.
//   5. One transaction: the video and transcript rows (a reused transcript
//      is only marked as stored now, see store::touch_transcript), the
//      summarize jobs (dedup per video and variant), counters
//      (ingest_transcript_<stored|fetched|user>; ingest_success is the
//      worker's, stage/stage.h) and timings, the event
//      `report-updated` {stage: "ingested", transcript_from}, and the job's
//      completion.
// Throttling met in 3 or 4 starts (or extends) the pause for every replica:
// max(Retry-After, backoff that grows with consecutive throttles), then the
// job waits as in 2 (with a user or stored transcript it goes on instead).
// Failures are announced as every stage announces them (stage/failure.h):
// report-sync-error while retrying, report-sync-failed when giving up.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "stage/stage.h"
#include "store/transcripts.h"
#include "worker/worker.h"
#include "youtube/metadata.h"
#include "youtube/transcript.h"

namespace td::ingest {

inline constexpr const char* kYoutubePause = "youtube";

struct Config {
  std::chrono::seconds cache_ttl{std::chrono::hours(24)};                         // METADATA_CACHE_TTL
  std::vector<std::string> default_variants;                                      // DEFAULT_VARIANTS
  Backoff throttle_backoff{std::chrono::minutes(5), std::chrono::hours(6), 0.2};  // YOUTUBE_THROTTLE_BACKOFF base
};

class IngestStage final : public stage::Stage {
 public:
  IngestStage(std::shared_ptr<youtube::MetadataSource> metadata, std::shared_ptr<youtube::TranscriptSource> transcripts,
              Config config);

  const stage::Names& names() const override;
  void handle(worker::JobContext& ctx) override;

 private:
  // How metadata_for may answer; see steps 2 and 3 above.
  struct MetadataNeed {
    bool use_cache = true;     // false for a refresh
    bool best_effort = false;  // the transcript needs no YouTube call
    bool paused = false;       // the "youtube" pause is active
  };
  youtube::VideoMetadata metadata_for(pqxx::connection& conn, const std::string& id, MetadataNeed need, bool& missing);
  // Step 4: the transcript row to store, from the user's text or a fetch.
  store::TranscriptRow fetch_transcript(pqxx::connection& conn, const std::string& id,
                                        const youtube::VideoMetadata& meta, const std::optional<std::string>& user);
  [[noreturn]] void pause_for_throttle(pqxx::connection& conn, const std::exception& e,
                                       std::optional<std::chrono::milliseconds> retry_after);

  std::shared_ptr<youtube::MetadataSource> metadata_;
  std::shared_ptr<youtube::TranscriptSource> transcripts_;
  Config config_;
};

}  // namespace td::ingest
