#include "summarize_stage.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "events/outbox.h"
#include "events/types.h"
#include "metrics/metrics.h"
#include "stage/failure.h"
#include "stage_input.h"
#include "stage_notes.h"
#include "stage_sync.h"
#include "store/pipeline.h"
#include "store/reprocess.h"
#include "store/summaries.h"
#include "store/transcripts.h"
#include "store/videos.h"
#include "summarize/text.h"
#include "variants/variants.h"

namespace td::summarize_stage {

using json = nlohmann::json;

namespace {

struct PendingEvent {
  const char* type;
  json data;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

Variant variant_from(const std::string& raw) {
  try {
    return parse_variant(raw);
  } catch (const UnknownVariant& e) {
    throw PermanentError("bad_payload", e.what());
  }
}

// Step 2 of stage.h: its own transaction, committed before the slow part.
void announce_reprocess(pqxx::connection& conn, const store::SummarizeRequest& req, const std::string& variant) {
  pqxx::work tx(conn);
  events::emit(tx, events::type::reprocess_requested, req.video_id,
               {{"video_id", req.video_id}, {"reprocess_id", *req.reprocess_id}, {"variant", variant}});
  tx.commit();
}

std::pair<store::Video, store::TranscriptRow> load(pqxx::connection& conn, const std::string& video_id) {
  pqxx::read_transaction tx(conn);
  auto video = store::get_video(tx, video_id);
  if (!video) throw PermanentError("no_transcript", "video " + video_id + " is not stored (deleted?)");
  auto transcript = store::get_transcript(tx, video_id);
  if (!transcript) throw PermanentError("no_transcript", "no transcript is stored for " + video_id);
  return {std::move(*video), std::move(*transcript)};
}

// Step 5's row: the chain's output as a summaries row.
store::Summary summary_row(const store::SummarizeRequest& req, const std::string& variant,
                           const summarize::ChainResult& result, int64_t job_id) {
  store::Summary s;
  s.video_id = req.video_id;
  s.variant = variant;
  s.text = result.output.text;
  s.language = result.output.language;
  if (s.language->empty()) {
    const auto& lang = result.guardrail.value("language", json::object());
    if (lang.contains("detected") && lang["detected"].is_string()) s.language = lang["detected"].get<std::string>();
    else s.language.reset();
  }
  // The spec's count (summarize/text.h: word tokens, so bullet markers and
  // "**" are not words), the one the word ranges were checked with.
  s.word_count = summarize::count_words(s.text);
  s.provider = result.output.provider;
  if (!result.output.model.empty()) s.model = result.output.model;
  if (!result.output.prompt_version.empty()) s.prompt_version = result.output.prompt_version;
  s.guardrail = result.guardrail;
  if (!result.output.translated_by.empty()) s.guardrail["translated_by"] = result.output.translated_by;
  s.job_id = job_id;
  s.reprocess_id = req.reprocess_id;
  return s;
}

// Step 5 after a new revision was stored: the tts job, the reprocess'
// completion, the fallback's count; returns the events to emit, in order.
std::vector<PendingEvent> after_store(pqxx::transaction_base& tx, worker::JobContext& ctx,
                                      const store::SummarizeRequest& req, const Variant& variant,
                                      const store::Video& locked, const store::Summary& row) {
  std::vector<PendingEvent> events;
  events.push_back({events::type::report_updated,
                    {{"video_id", row.video_id},
                     {"variant", row.variant},
                     {"revision", row.revision},
                     {"stage", "summarized"},
                     {"word_count", row.word_count},
                     {"language", row.language ? json(*row.language) : json(nullptr)},
                     // "short_source", "below_spec": what a reader should know about this text.
                     {"flags", row.guardrail.value("flags", json::array())}}});
  if (variant.is_audio()) {
    store::TtsRequest tts{row.video_id, row.variant, row.revision, req.regenerate_audio, req.reprocess_id};
    auto enq = store::enqueue_tts(tx, ctx.queue(), tts);
    if (!enq.created)
      spdlog::info("job={} video={} variant={}: tts job {} already pending; it reads the newest revision", ctx.job().id,
                   row.video_id, row.variant, enq.id);
  }
  // Lock order everywhere: video row, then reprocess row.
  std::optional<store::ReprocessRequest> reprocess;
  if (req.reprocess_id) {
    reprocess = store::lock_reprocess(tx, *req.reprocess_id);
    if (!reprocess)
      spdlog::warn("job={} reprocess request {} is gone; storing the summary anyway", ctx.job().id, *req.reprocess_id);
  }
  if (auto generation = completed_generation(tx, locked, row, reprocess)) {
    json data = {{"video_id", row.video_id}, {"variants", *generation}};
    if (req.reprocess_id) data["reprocess_id"] = *req.reprocess_id;
    events.push_back({events::type::report_synced, data});
  }
  // Whoever stores the last output of a request completes it: this job for
  // text-only requests (or when audio is reused), the tts stage when it
  // still has to synthesize.
  if (reprocess)
    if (auto done = stage::complete_reprocess(tx, *reprocess, row.video_id))
      events.push_back({events::type::reprocess_complete, *done});
  if (auto fb = store::summary_fallback(row.guardrail)) {
    auto from = (*fb)["from"].get<std::string>(), to = (*fb)["to"].get<std::string>(),
         reason = (*fb)["reason"].get<std::string>();
    metrics::increment(tx, "summary_fallbacks", {{"from", from}, {"to", to}, {"reason", reason}});
    json data = *fb;
    data["video_id"] = row.video_id;
    data["variant"] = row.variant;
    data["revision"] = row.revision;
    events.push_back({events::type::summary_fallback, data});
    spdlog::warn("job={} video={} variant={} summary fell back from={} to={} reason={}", ctx.job().id, row.video_id,
                 row.variant, from, to, reason);
  }
  return events;
}

}  // namespace

SummarizeStage::SummarizeStage(Config config) : config_(std::move(config)) {
  if (!config_.make_chain) config_.make_chain = [] { return summarize::GuardrailChain({}); };
}

const stage::Names& SummarizeStage::names() const {
  static const stage::Names names{
      "summarize", store::kSummarizeKind, events::type::report_sync_error, events::type::report_sync_failed, true, ""};
  return names;
}

void SummarizeStage::handle(worker::JobContext& ctx) {
  auto started = std::chrono::steady_clock::now();
  // 1-2. The request; a reprocess announces that it was picked up.
  auto req = store::summarize_request_from(ctx.payload());
  Variant variant = variant_from(req.variant);
  std::string name = variant.name();
  if (req.reprocess_id && ctx.job().attempt == 1) announce_reprocess(ctx.conn(), req, name);

  // 3-4. Read, then summarize outside any transaction. The chain throws
  // TransientError / PermanentError("summary_failed"): the worker records it.
  auto [video, transcript] = load(ctx.conn(), req.video_id);
  auto input = summary_input_from(video, transcript, config_.summary_language);
  PgNotesStore notes(ctx.conn(), req.video_id);  // a long transcript's chunk notes, shared by its variants
  input.notes_store = &notes;
  auto result = config_.make_chain().run(input, variant);

  // 5. Store, count, announce and complete together.
  pqxx::work tx(ctx.conn());
  auto locked = store::lock_video(tx, req.video_id);
  if (!locked) throw PermanentError("no_transcript", "video " + req.video_id + " was deleted while it was summarized");
  auto stored = store::insert_summary_once(tx, summary_row(req, name, result, ctx.job().id));
  std::vector<PendingEvent> events;
  if (stored.created) {
    events = after_store(tx, ctx, req, variant, *locked, stored.summary);
    metrics::observe(tx, "summarize_seconds", seconds_since(started));
  } else {
    spdlog::info("job={} video={} variant={} revision={} already stored by an earlier run of this job", ctx.job().id,
                 req.video_id, name, stored.summary.revision);
  }
  ctx.complete_in(tx, stored.created ? worker::JobContext::Outcome::stored : worker::JobContext::Outcome::nothing_new);
  // Last before commit: readers of the outbox wait for open emitters.
  for (const auto& e : events) events::emit(tx, e.type, req.video_id, e.data);
  tx.commit();
  if (stored.created)
    spdlog::info("job={} video={} variant={} revision={} words={} provider={} seconds={:.2f}", ctx.job().id,
                 req.video_id, name, stored.summary.revision, stored.summary.word_count, stored.summary.provider,
                 seconds_since(started));
}

Config config_from(const std::string& summarizer_csv, const std::string& summary_language) {
  // Fail at start on a bad setting rather than on every job.
  summarize::GuardrailChain probe(summarize::summarizers_from(summarizer_csv));
  std::string names;
  for (const auto& n : probe.names()) names += (names.empty() ? "" : ",") + n;
  spdlog::info("summarizer chain: {}", names);
  Config c;
  c.make_chain = [summarizer_csv] { return summarize::GuardrailChain(summarize::summarizers_from(summarizer_csv)); };
  c.summary_language = summary_language.empty() ? "auto" : summary_language;
  return c;
}

}  // namespace td::summarize_stage
