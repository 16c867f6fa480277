// One shape for the three pipeline stages (ingest, summarize, tts).
//
// A stage is a job handler with a name. install() puts it on a worker the
// same way for every stage: its job kind, its counters (the worker counts
// `<name>_success` and `queue_wait_seconds` when a job completes and
// `<name>_failure` when one gives up; worker::Options::stage), and the
// failure announcement every stage shares (announce_failure, failure.h).
// What a stage does beyond that is its own: handle() reads, works outside
// any transaction, and stores its results in the transaction that completes
// the job (worker::JobContext::complete_in).
#pragma once

#include <string>

#include "worker/worker.h"

namespace td::stage {

// What a stage is called and what it announces when a job fails.
struct Names {
  std::string name;          // "ingest": the counters' prefix and events' `stage`
  std::string kind;          // the job kind it claims
  const char* error_event;   // a retry follows ("report-sync-error", "audio-sync-error")
  const char* failed_event;  // the job gave up ("report-sync-failed", "audio-sync-failed")
  // Jobs name a variant (payload `variant`): its failure events carry it.
  bool has_variant = false;
  // How a failed reprocess names this stage's output in its error line:
  // "<output_label><variant>: <error>" ("audio " for tts).
  std::string output_label;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual const Names& names() const = 0;
  virtual void handle(worker::JobContext& ctx) = 0;
};

// Sets `options` up for `stage` (kinds when none are set, stage counters,
// on_failure) and returns the handler. `stage` must outlive the worker.
worker::Handler install(Stage& stage, worker::Options& options);

}  // namespace td::stage
