#include "ingest_stage.h"

#include <spdlog/spdlog.h>

#include <set>

#include "common/errors.h"
#include "events/outbox.h"
#include "events/types.h"
#include "metrics/metrics.h"
#include "store/audio.h"
#include "store/metadata_cache.h"
#include "store/pauses.h"
#include "store/pipeline.h"
#include "store/report.h"
#include "store/summaries.h"
#include "store/transcripts.h"
#include "store/videos.h"
#include "summarize/language.h"
#include "summarize/text.h"
#include "variants/variants.h"
#include "youtube/errors.h"
#include "youtube/link.h"

namespace td::ingest {

namespace {

// Step 5's summarize and tts jobs. Submitting a video again is idempotent:
// variants that already have a summary are not written again (POST
// /api/reprocess makes new revisions); an audio variant whose MP3 is missing
// gets its tts job. Returns the variants queued for a summary.
std::vector<std::string> queue_missing_outputs(pqxx::transaction_base& tx, const queue::Queue& queue,
                                               const std::string& key, const std::vector<Variant>& variants) {
  std::set<std::string> summarized, voiced;
  for (const auto& s : store::current_summaries(tx, key)) summarized.insert(s.variant);
  for (const auto& a : store::current_audio_all(tx, key)) voiced.insert(a.variant);
  std::vector<std::string> queued;
  for (const auto& v : variants) {
    if (!summarized.count(v.name())) {
      store::enqueue_summarize(tx, queue, {key, v.name(), std::nullopt, false});
      queued.push_back(v.name());
    } else if (v.is_audio() && !voiced.count(v.name())) {
      auto s = store::current_summary(tx, key, v.name());
      store::enqueue_tts(tx, queue, {key, v.name(), s->revision, false, std::nullopt});
    }
  }
  return queued;
}

}  // namespace

IngestStage::IngestStage(std::shared_ptr<youtube::MetadataSource> metadata,
                         std::shared_ptr<youtube::TranscriptSource> transcripts, Config config)
    : metadata_(std::move(metadata)), transcripts_(std::move(transcripts)), config_(std::move(config)) {}

const stage::Names& IngestStage::names() const {
  static const stage::Names names{
      "ingest", store::kIngestKind, events::type::report_sync_error, events::type::report_sync_failed, false, "ingest"};
  return names;
}

void IngestStage::pause_for_throttle(pqxx::connection& conn, const std::exception& e,
                                     std::optional<std::chrono::milliseconds> retry_after) {
  store::Pause pause;
  {
    pqxx::work tx(conn);
    // The pause grows with consecutive throttles: read the current hits first.
    int hits = 0;
    if (auto p = store::active_pause(tx, kYoutubePause)) hits = p->hits;
    auto wait = std::max(retry_after.value_or(std::chrono::milliseconds(0)), config_.throttle_backoff.delay(hits + 1));
    pause = store::set_pause(tx, kYoutubePause, wait, e.what());
    tx.commit();
  }
  spdlog::warn("youtube is throttling us: ingest paused on every replica until {} (throttle #{}): {}",
               store::iso8601(pause.until), pause.hits, e.what());
  throw worker::RetryLater(pause.until, std::string("youtube throttled: ") + e.what());
}

youtube::VideoMetadata IngestStage::metadata_for(pqxx::connection& conn, const std::string& id, MetadataNeed need,
                                                 bool& missing) {
  missing = false;
  std::string key = youtube::video_key(id);
  if (need.use_cache) {
    pqxx::read_transaction tx(conn);
    if (auto cached = store::cached_metadata(tx, key, config_.cache_ttl)) {
      try {
        return youtube::metadata_from_json(*cached);
      } catch (const std::exception& e) {
        spdlog::warn("video={} cached metadata unreadable, fetching again: {}", key, e.what());
      }
    }
  }
  if (need.best_effort && need.paused) {
    // The transcript needs no YouTube call: none is made for metadata
    // either while every replica is asked to leave YouTube alone.
    spdlog::info("video={} youtube is paused: metadata not fetched", key);
  } else {
    try {
      auto m = metadata_->fetch(id);
      if (youtube::cacheable(m)) {
        pqxx::work tx(conn);
        store::cache_metadata(tx, key, youtube::to_json(m), m.source);
        tx.commit();
      }
      return m;
    } catch (const youtube::Throttled& e) {
      if (!need.best_effort) pause_for_throttle(conn, e, e.retry_after());
      try {
        pause_for_throttle(conn, e, e.retry_after());
      } catch (const worker::RetryLater&) {
        // The transcript needs no YouTube call: go on without metadata.
      }
      spdlog::warn("video={} metadata unavailable (throttled)", key);
    } catch (const std::exception& e) {
      if (!need.best_effort) throw;
      spdlog::warn("video={} metadata unavailable: {}", key, e.what());
    }
  }
  // Best effort: what an earlier ingest stored beats the bare id (the video
  // row would otherwise lose its title on a resubmit while YouTube fails).
  {
    pqxx::read_transaction tx(conn);
    auto video = store::get_video(tx, key);
    if (video && !video->metadata_missing && video->metadata.is_object() && !video->metadata.empty()) {
      try {
        auto m = youtube::metadata_from_json(video->metadata);
        spdlog::warn("video={} keeping the metadata stored by an earlier ingest", key);
        return m;
      } catch (const std::exception& e) {
        spdlog::warn("video={} stored metadata unreadable: {}", key, e.what());
      }
    }
  }
  spdlog::warn("video={} storing it without metadata", key);
  missing = true;
  return youtube::minimal_metadata(id);
}

store::TranscriptRow IngestStage::fetch_transcript(pqxx::connection& conn, const std::string& id,
                                                   const youtube::VideoMetadata& meta,
                                                   const std::optional<std::string>& user) {
  youtube::Transcript transcript;
  if (user) {
    transcript = youtube::user_transcript(*user, meta.language);
  } else {
    youtube::require_finished(meta);
    try {
      transcript = transcripts_->fetch(meta);
    } catch (const youtube::Throttled& e) {
      pause_for_throttle(conn, e, e.retry_after());
    }
  }
  store::TranscriptRow row;
  row.video_id = youtube::video_key(id);
  if (!transcript.language.empty()) row.language = transcript.language;
  else if (!meta.language.empty()) row.language = meta.language;
  else if (auto d = summarize::detect_language(transcript.text); d.reliable && !d.code.empty())
    row.language = d.code;  // a pasted transcript of a video YouTube could not tell us about
  row.source = transcript.source;
  row.text = transcript.text;
  row.segments = youtube::segments_to_json(transcript);
  row.word_count = summarize::count_words(transcript.text);
  return row;
}

void IngestStage::handle(worker::JobContext& ctx) {
  auto request = store::ingest_request_from(ctx.payload());
  std::string id;
  try {
    id = youtube::parse_video_id(request.video_id);
  } catch (const std::exception& e) {
    throw PermanentError("bad_payload", "job names no valid video: " + std::string(e.what()));
  }
  const std::string key = youtube::video_key(id);
  std::vector<Variant> variants;
  try {
    variants = parse_variant_list(request.variants.empty() ? config_.default_variants : request.variants);
  } catch (const UnknownVariant& e) {
    throw PermanentError("bad_payload", e.what());
  }
  auto& conn = ctx.conn();
  // The transcript's path (step 1): the user's, the stored one, or a fetch.
  std::optional<store::TranscriptRow> stored;
  std::optional<store::Pause> pause;
  {
    pqxx::read_transaction tx(conn);
    if (!request.transcript && !request.refresh) {
      stored = store::get_transcript(tx, key);
      if (stored && stored->text.find_first_not_of(" \t\r\n") == std::string::npos) stored.reset();
    }
    pause = store::active_pause(tx, kYoutubePause);
  }
  const bool user = request.transcript.has_value();
  const char* from = user ? "user" : stored ? "stored" : "fetched";
  if (pause && !user && !stored)
    throw worker::RetryLater(pause->until, "youtube throttled: waiting for the pause to end (" + pause->reason + ")");

  auto started = std::chrono::steady_clock::now();
  bool missing = false;
  auto meta = metadata_for(
      conn, id, {.use_cache = !request.refresh, .best_effort = user || stored.has_value(), .paused = pause.has_value()},
      missing);

  store::TranscriptRow row = stored ? *stored : fetch_transcript(conn, id, meta, request.transcript);

  pqxx::work tx(conn);
  store::Video video;
  video.id = key;
  video.url = request.url.empty() ? youtube::watch_url(id) : request.url;
  if (!meta.title.empty()) video.title = meta.title;
  if (!meta.channel.empty()) video.channel = meta.channel;
  if (meta.duration_s) video.duration_s = static_cast<double>(*meta.duration_s);
  video.metadata = youtube::to_json(meta);
  video.metadata_missing = missing;
  for (const auto& v : variants) video.requested_variants.push_back(v.name());
  // A submit that found this job pending recorded its variants on the video
  // row only; the upsert returns the row's merged list. It holds the row
  // lock: such a submit either committed before (its variants are in that
  // list) or waits for this transaction, and then queues a new ingest job
  // since this one is done by then.
  for (const auto& name : store::upsert_video(tx, video)) {
    if (std::any_of(variants.begin(), variants.end(), [&](const Variant& v) { return v.name() == name; })) continue;
    if (auto v = find_variant(name)) variants.push_back(*v);
    else spdlog::warn("job={} video={} ignoring unknown stored variant '{}'", ctx.job().id, key, name);
  }

  // A reused transcript is not written again: a refresh of the same video
  // that committed after it was read keeps its text.
  if (!stored || !store::touch_transcript(tx, key)) store::upsert_transcript(tx, row);

  auto queued = queue_missing_outputs(tx, ctx.queue(), key, variants);

  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics::increment(tx, std::string("ingest_transcript_") + from);
  metrics::observe(tx, "ingest_seconds", took);
  events::emit(tx, events::type::report_updated, key,
               {{"stage", "ingested"},
                {"title", meta.title},
                {"transcript_language", row.language.value_or("")},
                {"transcript_source", row.source},
                {"transcript_from", from},
                {"words", row.word_count},
                {"metadata_missing", missing},
                {"variants", queued}});
  ctx.complete_in(tx);
  tx.commit();
  spdlog::info("job={} video={} ingested transcript={} from={} refresh={} words={} summaries_queued={}", ctx.job().id,
               key, row.source, from, request.refresh, row.word_count, queued.size());
}

}  // namespace td::ingest
