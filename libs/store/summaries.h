// summaries: every revision of every variant of a video.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/clock.h"

namespace td::store {

struct Summary {
  int64_t id = 0;
  std::string video_id;
  std::string variant;
  int revision = 0;
  std::string text;
  std::optional<std::string> language;
  int word_count = 0;
  std::string provider;
  std::optional<std::string> model;
  std::optional<std::string> prompt_version;
  nlohmann::json guardrail = nlohmann::json::object();
  std::optional<int64_t> job_id;
  std::optional<int64_t> reprocess_id;
  Clock::time_point created_at{};
};

struct StoredSummary {
  Summary summary;
  bool created = false;  // false: this job had already stored it (a re-run)
};

// Stores the next revision of (video, variant) for a job, once: if the job
// already stored one (it ran before and lost its lease after committing),
// that row is returned instead. Lock the video row first (lock_video) so
// concurrent writers of one video number revisions without gaps or clashes.
StoredSummary insert_summary_once(pqxx::transaction_base& tx, const Summary& s);

std::optional<Summary> current_summary(pqxx::transaction_base& tx, const std::string& video_id,
                                       const std::string& variant);
// The newest revision of each variant of a video, ordered by variant.
std::vector<Summary> current_summaries(pqxx::transaction_base& tx, const std::string& video_id);
// Every revision of one variant, oldest first.
std::vector<Summary> summary_revisions(pqxx::transaction_base& tx, const std::string& video_id,
                                       const std::string& variant);

// {from, to, reason} when the stored summary came from a summarizer
// other than the first the chain tried, read from its guardrail record
// (libs/summarize/chain.h): `from` is attempts[0].summarizer, `to` is
// accepted.summarizer, `reason` the first attempt's error reason or its first
// failed check ("llm_auth", "word_range", "truncated"). nullopt when the first
// summarizer's output was accepted, or the record has no attempts.
std::optional<nlohmann::json> summary_fallback(const nlohmann::json& guardrail);

}  // namespace td::store
