// A video's report as JSON: what GET /api/reports/yt:<id> and
// `tubedigest report --json` return.
//
// {
//   "video_id": "yt:...", "url": "...", "created_at": "...", "updated_at": "...",
//   "video": {title, channel, channel_id, duration, upload_date, view_count, like_count, ... (the metadata)},
//   "metadata_missing": false,
//   "requested_variants": ["comprehensive", ...],
//   "transcript": {"language": "en", "source": "auto", "words": 1234, "characters": 6789, "text"?: "..."} | null,
//   "summary": {"variants": [{variant, text, language, word_count, revision, generated_at, provider, model,
//                             prompt_version, audio_url?, duration?, fallback?, audio_fallback?}]},
//     fallback: {from, to, reason, stage} when the text ("summarize": the first summarizer
//     failed, e.g. {"openai", "extractive", "llm_auth"}) or else the audio ("tts": the planned engine
//     failed and TTS_FALLBACK spoke) came from a fallback; audio_fallback: the audio's, when it did.
//   "jobs": [{id, kind, status, attempts, max_attempts, variant?, last_error?, created_at, finished_at?}]
// }
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/clock.h"
#include "common/time_format.h"

namespace td::store {

struct ReportOptions {
  bool include_transcript = false;
  int max_jobs = 50;
};

std::optional<nlohmann::json> build_report(pqxx::transaction_base& tx, const std::string& video_id,
                                           const ReportOptions& options = {});

using td::iso8601;  // reports format every time with it

}  // namespace td::store
