#include "tts_stage.h"

#include <chrono>
#include <optional>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "audio_sync.h"
#include "common/errors.h"
#include "events/outbox.h"
#include "events/types.h"
#include "metrics/metrics.h"
#include "script_source.h"
#include "store/pipeline.h"
#include "store/reprocess.h"
#include "store/videos.h"
#include "tts/fallback_engine.h"
#include "tts/hash.h"

namespace td::tts_stage {

namespace {

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

// Ends the reprocess this job belongs to when every output it asked for is
// now stored (this job's row included); returns the reprocess-complete event
// data to emit. Runs under the reprocess row lock, so of two jobs finishing a
// reprocess at once exactly one completes it.
std::optional<nlohmann::json> finish_reprocess_if_done(pqxx::transaction_base& tx, int64_t reprocess_id,
                                                       const std::string& video_id) {
  auto r = store::lock_reprocess(tx, reprocess_id);
  if (!r || r->status != "pending" || !store::reprocess_outputs_done(tx, *r)) return std::nullopt;
  if (!store::finish_reprocess(tx, reprocess_id, true, std::nullopt)) return std::nullopt;
  metrics::increment(tx, "reprocess_success");
  return nlohmann::json{{"reprocess_id", reprocess_id}, {"video_id", video_id}, {"variants", r->variants}};
}

}  // namespace

TtsStage::TtsStage(std::shared_ptr<tts::TtsEngine> engine, std::shared_ptr<store::AudioStore> store,
                   const Clock* clock)
    : engine_(std::move(engine)), store_(std::move(store)), clock_(clock ? clock : &system_clock_) {}

worker::Handler TtsStage::install(worker::Options& options) {
  options.on_failure = [this](pqxx::transaction_base& tx, const queue::Job& job, const std::string& error,
                              bool gave_up) { on_failure(tx, job, error, gave_up); };
  return [this](worker::JobContext& ctx) { handle(ctx); };
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
    ctx.complete_in(done);
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
    ctx.complete_in(tx);
    tx.commit();
    return;
  }
  auto video = store::lock_video(tx, req.video_id);
  if (!video) {
    // Deleted while we spoke: nothing to attach the audio to, and nothing to retry.
    ctx.complete_in(tx);
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

  store::AudioRecord rec;
  rec.video_id = req.video_id;
  rec.variant = script.variant.name();
  rec.summary_revision = script.summary.revision;
  rec.job_id = job.id;
  rec.reprocess_id = req.reprocess_id;
  store::AudioRecord stored;
  if (reusable) {
    rec.script_hash = planned_hash;
    rec.engine = reusable->engine;
    rec.voice = reusable->voice;
    rec.rate = reusable->rate;
    stored = store::insert_reused_audio(tx, rec, *reusable);
    metrics::increment(tx, "audio_reused");
  } else {
    // The hash of what actually spoke (a fallback engine may have), so a later
    // regenerate_audio=false run does not mistake fallback audio for the primary's.
    rec.script_hash = tts::reuse_hash(script.summary.text, audio->plan());
    rec.engine = audio->engine;
    rec.voice = audio->voice;
    rec.rate = audio->rate;
    rec.duration_s = audio->duration_seconds;
    stored = store_->put(tx, rec, audio->bytes);
    if (fallback) {
      // Issue 15: audio from the fallback engine is not a plain success.
      nlohmann::json fb = {{"from", fallback->from}, {"to", fallback->to}, {"reason", fallback->reason}};
      store::set_audio_fallback(tx, stored.id, fb);
      stored.fallback = fb;
      metrics::increment(tx, "tts_fallbacks",
                         {{"from", fallback->from}, {"to", fallback->to}, {"reason", fallback->reason}});
    }
    metrics::increment(tx, "audio_generated");
    metrics::observe(tx, "tts_seconds", wall_s);
    metrics::observe(tx, "tts_audio_seconds", audio->duration_seconds);
  }
  metrics::increment(tx, "tts_success");
  metrics::observe(tx, "queue_wait_seconds", seconds_between(job.run_at, clock_->now()));
  std::optional<nlohmann::json> reprocess_done;
  if (req.reprocess_id) reprocess_done = finish_reprocess_if_done(tx, *req.reprocess_id, req.video_id);
  auto synced = synced_audio_variants(tx, *video);
  ctx.complete_in(tx);
  // Events last (libs/events/outbox.h): readers wait for transactions that emitted.
  events::emit(tx, events::type::audio_ready, req.video_id,
               {{"video_id", req.video_id},
                {"variant", stored.variant},
                {"duration", stored.duration_s},
                {"url", stored.url_path()},
                {"revision", stored.summary_revision},
                {"reused", stored.reused_from.has_value()}});
  if (stored.fallback) {
    nlohmann::json data = *stored.fallback;
    data["video_id"] = req.video_id;
    data["variant"] = stored.variant;
    data["revision"] = stored.summary_revision;
    events::emit(tx, events::type::tts_fallback, req.video_id, data);
  }
  if (!synced.empty())
    events::emit(tx, events::type::audio_synced, req.video_id, {{"video_id", req.video_id}, {"variants", synced}});
  if (reprocess_done) events::emit(tx, events::type::reprocess_complete, req.video_id, *reprocess_done);
  tx.commit();
  spdlog::info("job={} video={} variant={} revision={} audio_id={} engine={} duration_s={:.1f} bytes={} reused={} "
               "tts_s={:.2f}",
               job.id, req.video_id, stored.variant, stored.summary_revision, stored.id, stored.engine,
               stored.duration_s, stored.bytes, stored.reused_from.has_value(), wall_s);
}

void TtsStage::on_failure(pqxx::transaction_base& tx, const queue::Job& job, const std::string& error,
                          bool gave_up) {
  // The payload may be what failed; report what can be read of it.
  auto payload = nlohmann::json::parse(job.payload, nullptr, false);
  auto text = [&](const char* key) -> std::string {
    if (payload.is_object() && payload.contains(key) && payload[key].is_string()) return payload[key].get<std::string>();
    return "";
  };
  std::string video_id = text("video_id");
  if (video_id.empty() && job.subject) video_id = *job.subject;
  std::optional<std::string> subject;
  if (!video_id.empty()) subject = video_id;
  nlohmann::json data = {{"video_id", video_id}, {"variant", text("variant")}, {"error", error}};
  if (!gave_up) {
    data["attempt"] = job.attempt;
    data["max_attempts"] = job.max_attempts;
    events::emit(tx, events::type::audio_sync_error, subject, data);
    return;
  }
  metrics::increment(tx, "tts_failure");
  std::optional<int64_t> reprocess_id;
  if (payload.is_object() && payload.contains("reprocess_id") && payload["reprocess_id"].is_number_integer())
    reprocess_id = payload["reprocess_id"].get<int64_t>();
  bool reprocess_failed = false;
  if (reprocess_id) {
    auto r = store::lock_reprocess(tx, *reprocess_id);
    reprocess_failed = r && r->status == "pending" &&
                       store::finish_reprocess(tx, *reprocess_id, false, "audio " + text("variant") + ": " + error);
    if (reprocess_failed) metrics::increment(tx, "reprocess_failure");
  }
  events::emit(tx, events::type::audio_sync_failed, subject, data);
  if (reprocess_failed)
    events::emit(tx, events::type::reprocess_error, subject,
                 {{"reprocess_id", *reprocess_id}, {"video_id", video_id}, {"variant", text("variant")}, {"error", error}});
}

}  // namespace td::tts_stage
