// transcripts: one per video, replaced when ingest runs again.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "common/clock.h"

namespace td::store {

struct TranscriptRow {
  std::string video_id;
  std::optional<std::string> language;
  std::string source;  // manual | auto | user
  std::string text;
  nlohmann::json segments = nlohmann::json::array();  // [{"start_ms": n, "text": "..."}]
  // summarize::count_words(text), the rule summaries' word_count and word
  // ranges use too; the writer (ingest) counts, the store keeps it as given.
  int word_count = 0;
};

// A text that differs from the stored one drops the video's chunk notes.
void upsert_transcript(pqxx::transaction_base& tx, const TranscriptRow& t);
// An ingest that reused the stored transcript marks it as stored now (the
// newest-ingest time of GET /api/metrics moves as it did when every ingest
// wrote the row) without writing its text: a refresh that committed since
// it was read keeps its content. False when the row is gone (the video was
// deleted meanwhile); the caller then writes the row it read.
bool touch_transcript(pqxx::transaction_base& tx, const std::string& video_id);
std::optional<TranscriptRow> get_transcript(pqxx::transaction_base& tx, const std::string& video_id);

// The most recently stored transcript (the last finished ingest), if any.
struct NewestTranscript {
  std::string video_id;
  Clock::time_point created_at{};
};
std::optional<NewestTranscript> newest_transcript(pqxx::transaction_base& tx);

}  // namespace td::store
