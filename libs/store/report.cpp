#include "store/report.h"

#include "queue/queue.h"
#include "store/audio.h"
#include "store/summaries.h"
#include "store/transcripts.h"
#include "store/videos.h"

namespace td::store {

std::optional<nlohmann::json> build_report(pqxx::transaction_base& tx, const std::string& video_id,
                                           const ReportOptions& options) {
  auto video = get_video(tx, video_id);
  if (!video) return std::nullopt;
  nlohmann::json report = {{"video_id", video->id},
                           {"url", video->url},
                           {"created_at", iso8601(video->created_at)},
                           {"updated_at", iso8601(video->updated_at)},
                           {"video", video->metadata},
                           {"metadata_missing", video->metadata_missing},
                           {"requested_variants", video->requested_variants}};
  if (video->title) report["video"]["title"] = *video->title;

  if (auto t = get_transcript(tx, video_id)) {
    report["transcript"] = {{"language", t->language ? nlohmann::json(*t->language) : nlohmann::json()},
                            {"source", t->source},
                            {"words", t->word_count},
                            {"characters", t->text.size()}};
    if (options.include_transcript) report["transcript"]["text"] = t->text;
  } else {
    report["transcript"] = nullptr;
  }

  std::map<std::string, AudioRecord> audio;
  for (auto& a : current_audio_all(tx, video_id)) audio.emplace(a.variant, std::move(a));
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& s : current_summaries(tx, video_id)) {
    nlohmann::json v = {{"variant", s.variant},
                        {"text", s.text},
                        {"language", s.language ? nlohmann::json(*s.language) : nlohmann::json()},
                        {"word_count", s.word_count},
                        {"revision", s.revision},
                        {"generated_at", iso8601(s.created_at)},
                        {"provider", s.provider},
                        {"model", s.model ? nlohmann::json(*s.model) : nlohmann::json()},
                        {"prompt_version", s.prompt_version ? nlohmann::json(*s.prompt_version) : nlohmann::json()}};
    if (s.guardrail.contains("flags")) v["flags"] = s.guardrail["flags"];
    // A fallback is shown, not only hinted at by provider/engine.
    if (auto fb = summary_fallback(s.guardrail)) {
      (*fb)["stage"] = "summarize";
      v["fallback"] = *fb;
    }
    if (auto it = audio.find(s.variant); it != audio.end()) {
      v["audio_url"] = it->second.url_path();
      v["duration"] = it->second.duration_s;
      v["audio_revision"] = it->second.summary_revision;
      if (it->second.fallback && it->second.fallback->is_object()) {
        nlohmann::json fb = *it->second.fallback;
        fb["stage"] = "tts";
        v["audio_fallback"] = fb;
        if (!v.contains("fallback")) v["fallback"] = fb;
      }
    }
    variants.push_back(std::move(v));
  }
  report["summary"] = {{"variants", variants}};

  queue::Queue q;
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& j : q.jobs_for_subject(tx, video_id, options.max_jobs)) {
    nlohmann::json o = {{"id", j.id},
                        {"kind", j.kind},
                        {"status", queue::to_string(j.status)},
                        {"attempts", j.attempts},
                        {"max_attempts", j.max_attempts},
                        {"created_at", iso8601(j.created_at)}};
    if (j.finished_at) o["finished_at"] = iso8601(*j.finished_at);
    if (j.last_error) o["last_error"] = *j.last_error;
    auto payload = nlohmann::json::parse(j.payload, nullptr, false);
    if (payload.is_object() && payload.contains("variant")) o["variant"] = payload["variant"];
    jobs.push_back(std::move(o));
  }
  report["jobs"] = jobs;
  return report;
}

}  // namespace td::store
