// The summarize stage: the handler of `summarize` jobs
// ({video_id, variant, reprocess_id?, regenerate_audio?}, store/pipeline.h).
//
// One job = one variant of one video:
//   1. parse the payload and the variant (unknown: PermanentError "bad_payload");
//   2. a reprocess job on its first attempt announces `reprocess-requested`
//      in a short transaction of its own, at start, so a client sees the
//      request picked up before a slow LLM call (a job handed back at shutdown
//      keeps attempt 1 and may announce twice; announcing is harmless);
//   3. read the video and its transcript (missing: PermanentError "no_transcript");
//   4. run the guardrail chain OUTSIDE any transaction: it may take minutes
//      and must hold no row lock or snapshot meanwhile; a long transcript's
//      chunk notes are read from and kept in chunk_notes (stage_notes.h);
//   5. ONE transaction: lock the video row, store the revision once per job
//      (insert_summary_once), count, enqueue the tts job of an audio variant,
//      decide report-synced (stage_sync.h) and the reprocess' completion,
//      complete the job, emit the events last, commit. When the stored text
//      came from a later summarizer than the first (store::summary_fallback
//      of its guardrail record), summary_fallbacks{from,to,reason} is counted
//      and summary-fallback emitted with it, so a wrong LLM_API_KEY or a
//      truncated answer never passes as a plain success.
// A job that runs again after it stored (its row is found by job id) stores,
// counts, enqueues and announces nothing: only the job is completed.
//
// Failures are announced as every stage announces them (stage/failure.h):
// report-sync-error while retrying, report-sync-failed when giving up, and
// for a reprocess the request is marked error with reprocess-error.
#pragma once

#include <functional>
#include <string>

#include <pqxx/pqxx>

#include "stage/stage.h"
#include "summarize/chain.h"
#include "worker/worker.h"

namespace td::summarize_stage {

struct Config {
  // Builds the chain for one job. Called per job, never shared between
  // slots: summarizers keep per-call state (OpenAiSummarizer counts its
  // requests), and a fresh chain costs microseconds next to a summary.
  std::function<summarize::GuardrailChain()> make_chain;
  // SUMMARY_LANGUAGE: "auto" = the transcript's language.
  std::string summary_language = "auto";
};

// SUMMARIZER (default "extractive") and SUMMARY_LANGUAGE. Builds one chain
// at once so a bad SUMMARIZER or missing LLM_* setting fails at start
// (td::PermanentError "config"/"llm_config"), not on every job.
Config config_from(const std::string& summarizer_csv, const std::string& summary_language);

class SummarizeStage final : public stage::Stage {
 public:
  explicit SummarizeStage(Config config);
  const stage::Names& names() const override;
  void handle(worker::JobContext& ctx) override;

 private:
  Config config_;
};

}  // namespace td::summarize_stage
