// The tts stage: a tts job's audio script -> an MP3 in the AudioStore, with
// its events and metrics, in the job's completing transaction.
//
// One job, step by step:
//   1. Read (short transaction): the current summary of the variant, its
//      language and level; the engine's plan and the reuse hash of (script,
//      engine, voice, rate). With regenerate_audio=false a stored MP3 with
//      that hash is reused, and nothing is synthesized.
//   2. Synthesize outside any transaction (seconds of CPU or HTTP). The row
//      records the hash of what synthesize() returned, which differs from
//      the plan when a FallbackEngine had espeak speak instead.
//   3. Write (one transaction, ctx.complete_in): lock the video row, check
//      the summary did not change meanwhile (if it did the job is requeued
//      at once, attempt not counted, to speak the new one), store the row
//      (AudioStore::put, or insert_reused_audio), counters and timings,
//      finish a reprocess whose outputs are now all stored, then the events
//      audio-ready, audio-synced (every requested audio variant has audio for
//      its current summary revision), reprocess-complete. When a
//      FallbackEngine's fallback spoke (tts::take_fallback), the row's
//      `fallback` {from, to, reason} is set, tts_fallbacks{from,to,reason} is
//      counted and tts-fallback follows audio-ready.
// A job that already stored its row (re-run after a lost lease) completes
// without storing again; audio.job_id is UNIQUE besides.
//
// Failures: TtsEngine and load_script throw td::PermanentError for what can
// never work (empty script, unknown variant, no voice); the worker sends the
// job to dead and the stage's failure announcement (stage/failure.h) emits
// audio-sync-failed with its reason. Other errors retry (audio-sync-error).
#pragma once

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include <optional>

#include "common/clock.h"
#include "script_source.h"
#include "stage/stage.h"
#include "store/audio.h"
#include "tts/engine.h"
#include "tts/fallback_engine.h"
#include "worker/worker.h"

namespace td::tts_stage {

class TtsStage final : public stage::Stage {
 public:
  // `engine` must be safe to call from every worker slot at once (the
  // espeak engine serializes its libespeak-ng calls itself).
  TtsStage(std::shared_ptr<tts::TtsEngine> engine, std::shared_ptr<store::AudioStore> store,
           const Clock* clock = nullptr);

  const stage::Names& names() const override;
  void handle(worker::JobContext& ctx) override;

 private:
  // Step 3 for new audio: the row through the AudioStore, its fallback, counters.
  store::AudioRecord store_spoken(pqxx::transaction_base& tx, store::AudioRecord rec, const ScriptToSpeak& script,
                                  const tts::Mp3Audio& audio, const std::optional<tts::FallbackUsed>& fallback,
                                  double wall_s);

  std::shared_ptr<tts::TtsEngine> engine_;
  std::shared_ptr<store::AudioStore> store_;
  const Clock* clock_;
  SystemClock system_clock_;
};

}  // namespace td::tts_stage
