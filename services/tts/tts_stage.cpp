#include "tts_stage.h"

#include <chrono>
#include <optional>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "audio_sync.h"
#include "common/errors.h"
#include "events/outbox.h"
#include "events/types.h"
#include "metrics/metrics.h"
#include "script_source.h"
#include "stage/failure.h"
#include "store/pipeline.h"
#include "store/reprocess.h"
#include "store/videos.h"
#include "tts/fallback_engine.h"
#include "tts/hash.h"

namespace td::tts_stage {

namespace {

// Step 3's row: what was spoken (or reused) for this job.
store::AudioRecord audio_record(const store::TtsRequest& req, const ScriptToSpeak& script, int64_t job_id) {
  store::AudioRecord rec;
  rec.video_id = req.video_id;
  rec.variant = script.variant.name();
  rec.summary_revision = script.summary.revision;
  rec.job_id = job_id;
  rec.reprocess_id = req.reprocess_id;
  return rec;
}

// Step 3's events, in order, after the row: audio-ready, tts-fallback,
// audio-synced, reprocess-complete.
void announce(pqxx::transaction_base& tx, const std::string& video_id, const store::AudioRecord& stored,
              const std::vector<std::string>& synced, const std::optional<nlohmann::json>& reprocess_done) {
  events::emit(tx, events::type::audio_ready, video_id,
               {{"video_id", video_id},
                {"variant", stored.variant},
                {"duration", stored.duration_s},
                {"url", stored.url_path()},
                {"revision", stored.summary_revision},
                {"reused", stored.reused_from.has_value()}});
  if (stored.fallback) {
    nlohmann::json data = *stored.fallback;
    data["video_id"] = video_id;
    data["variant"] = stored.variant;
    data["revision"] = stored.summary_revision;
    events::emit(tx, events::type::tts_fallback, video_id, data);
  }
  if (!synced.empty())
    events::emit(tx, events::type::audio_synced, video_id, {{"video_id", video_id}, {"variants", synced}});
  if (reprocess_done) events::emit(tx, events::type::reprocess_complete, video_id, *reprocess_done);
}

}  // namespace

TtsStage::TtsStage(std::shared_ptr<tts::TtsEngine> engine, std::shared_ptr<store::AudioStore> store, const Clock* clock)
    : engine_(std::move(engine)), store_(std::move(store)), clock_(clock ? clock : &system_clock_) {}

const stage::Names& TtsStage::names() const {
  static const stage::Names names{
      "tts", store::kTtsKind, events::type::audio_sync_error, events::type::audio_sync_failed, true, "audio "};
  return names;
}

void TtsStage::handle(worker::JobContext& ctx) {
  const auto& job = ctx.job();
  auto req = store::tts_request_from(ctx.payload());
  audio_variant(req.variant);  // a text variant here is a bad payload, whatever the database holds

  // 1. What to say, and is it already spoken?
  ScriptToSpeak script;
  tts::SpeechPlan plan;
  std::string planned_hash;
  std::optional<store::AudioRecord> reusable;
  bool already_stored = false;
  {
    pqxx::read_transaction tx(ctx.conn());
    already_stored = store::audio_by_job(tx, job.id).has_value();
    if (!already_stored) {
      script = load_script(tx, req);
      plan = engine_->plan(script.speech);
      planned_hash = tts::reuse_hash(script.summary.text, plan);
      if (!req.regenerate_audio) reusable = store::audio_by_hash(tx, req.video_id, planned_hash);
    }
    tx.commit();
  }
  if (already_stored) {
    // Normally impossible (the row and the completion commit together); kept
    // so a hand-requeued job never stores twice.
    pqxx::work done(ctx.conn());
    ctx.complete_in(done, worker::JobContext::Outcome::nothing_new);
    done.commit();
    spdlog::info("job={} video={} variant={} audio already stored by this job", job.id, req.video_id, req.variant);
    return;
  }
  if (req.summary_revision != 0 && req.summary_revision != script.summary.revision)
    spdlog::info("job={} video={} variant={} speaks summary revision {} (payload named {})", job.id, req.video_id,
                 script.variant.name(), script.summary.revision, req.summary_revision);

  // 2. Synthesize, outside any transaction.
  std::optional<tts::Mp3Audio> audio;
  std::optional<tts::FallbackUsed> fallback;
  double wall_s = 0;
  if (!reusable) {
    auto t0 = std::chrono::steady_clock::now();
    tts::take_fallback();  // drop a note an earlier, failed call may have left
    audio = engine_->synthesize(script.summary.text, script.speech);
    fallback = tts::take_fallback();
    wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  // 3. Store, count, announce and complete together.
  pqxx::work tx(ctx.conn());
  if (store::audio_by_job(tx, job.id)) {  // a twin run of this job got here first
    ctx.complete_in(tx, worker::JobContext::Outcome::nothing_new);
    tx.commit();
    return;
  }
  auto video = store::lock_video(tx, req.video_id);
  if (!video) {
    // Deleted while we spoke: nothing to attach the audio to, and nothing to retry.
    ctx.complete_in(tx, worker::JobContext::Outcome::nothing_new);
    tx.commit();
    spdlog::info("job={} video={} deleted during synthesis; audio dropped", job.id, req.video_id);
    return;
  }
  auto current = store::current_summary(tx, req.video_id, script.variant.name());
  if (current && current->revision != script.summary.revision) {
    // A newer summary arrived while we spoke; its own tts job was folded into
    // this one by the dedup key, so this job must speak it.
    throw worker::RetryLater(clock_->now(), "summary revision " + std::to_string(current->revision) +
                                                " arrived while speaking revision " +
                                                std::to_string(script.summary.revision));
  }
  if (reusable) {
    // Re-read in this transaction: the row must still exist when ours points at it.
    reusable = store::audio_by_hash(tx, req.video_id, planned_hash);
    if (!reusable) throw TransientError("reused_audio_gone", "the stored audio with the same script hash was deleted");
  }

  auto rec = audio_record(req, script, job.id);
  store::AudioRecord stored;
  if (reusable) {
    rec.script_hash = planned_hash;
    rec.engine = reusable->engine;
    rec.voice = reusable->voice;
    rec.rate = reusable->rate;
    stored = store::insert_reused_audio(tx, rec, *reusable);
    metrics::increment(tx, "audio_reused");
  } else {
    stored = store_spoken(tx, rec, script, *audio, fallback, wall_s);
  }
  std::optional<nlohmann::json> reprocess_done;
  if (req.reprocess_id)
    if (auto r = store::lock_reprocess(tx, *req.reprocess_id))
      reprocess_done = stage::complete_reprocess(tx, *r, req.video_id);
  auto synced = synced_audio_variants(tx, *video);
  ctx.complete_in(tx);
  // Events last (libs/events/outbox.h): readers wait for transactions that emitted.
  announce(tx, req.video_id, stored, synced, reprocess_done);
  tx.commit();
  spdlog::info(
      "job={} video={} variant={} revision={} audio_id={} engine={} duration_s={:.1f} bytes={} reused={} "
      "tts_s={:.2f}",
      job.id, req.video_id, stored.variant, stored.summary_revision, stored.id, stored.engine, stored.duration_s,
      stored.bytes, stored.reused_from.has_value(), wall_s);
}

store::AudioRecord TtsStage::store_spoken(pqxx::transaction_base& tx, store::AudioRecord rec,
                                          const ScriptToSpeak& script, const tts::Mp3Audio& audio,
                                          const std::optional<tts::FallbackUsed>& fallback, double wall_s) {
  // The hash of what actually spoke (a fallback engine may have), so a later
  // regenerate_audio=false run does not mistake fallback audio for the primary's.
  rec.script_hash = tts::reuse_hash(script.summary.text, audio.plan());
  rec.engine = audio.engine;
  rec.voice = audio.voice;
  rec.rate = audio.rate;
  rec.duration_s = audio.duration_seconds;
  auto stored = store_->put(tx, rec, audio.bytes);
  if (fallback) {
    // Audio from the fallback engine is not a plain success: it says so.
    nlohmann::json fb = {{"from", fallback->from}, {"to", fallback->to}, {"reason", fallback->reason}};
    store::set_audio_fallback(tx, stored.id, fb);
    stored.fallback = fb;
    metrics::increment(tx, "tts_fallbacks",
                       {{"from", fallback->from}, {"to", fallback->to}, {"reason", fallback->reason}});
  }
  metrics::increment(tx, "audio_generated");
  metrics::observe(tx, "tts_seconds", wall_s);
  metrics::observe(tx, "tts_audio_seconds", audio.duration_seconds);
  return stored;
}

}  // namespace td::tts_stage
