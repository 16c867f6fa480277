// Rows written straight into the store, and checks on what the store wrote,
// shared by the suites that drive the same domain operations from different
// edges (the gateway's HTTP API, the tubedigest CLI).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "store/summaries.h"

namespace td::test {

// The video row of `video_id` ("yt:<id>"), titled "Seeded <video_id>", with
// `variants` as its requested variants.
void seed_video_row(pqxx::transaction_base& tx, const std::string& video_id, const std::vector<std::string>& variants,
                    const std::optional<std::string>& channel = std::nullopt);
// An English transcript typed by a user.
void seed_transcript_row(pqxx::transaction_base& tx, const std::string& video_id, const std::string& text);
// "Summary <variant> of <video_id>." in English (4 words), provider "test";
// returns the stored row.
store::Summary seed_summary_row(pqxx::transaction_base& tx, const std::string& video_id, const std::string& variant);

// A reprocess answer (ScheduledReprocess::to_json) whose job_ids name queued
// summarize jobs of that reprocess, with regenerate_audio as `regenerate_audio`.
void check_reprocess_jobs(pqxx::connection& conn, const nlohmann::json& scheduled, bool regenerate_audio);

}  // namespace td::test
