#include "store/reprocess.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "db/sql.h"
#include "store/statements.h"
#include "variants/variants.h"

namespace td::store {

#define TD_REPROCESS_COLUMNS \
  "id, video_id, array_to_json(variants)::text, regenerate_audio, array_to_json(job_ids)::text, status, error"

const Statement kReprocessStatements[] = {
    {"td_reprocess_open", R"SQL(
INSERT INTO reprocess_requests (video_id, variants, regenerate_audio, request_key) VALUES ($1, $2::text[], $3, $4)
ON CONFLICT (request_key) WHERE status = 'pending' DO NOTHING
RETURNING )SQL" TD_REPROCESS_COLUMNS},
    {"td_reprocess_pending_by_key",
     "SELECT " TD_REPROCESS_COLUMNS " FROM reprocess_requests WHERE request_key = $1 AND status = 'pending'"},
    {"td_reprocess_set_jobs", "UPDATE reprocess_requests SET job_ids = $2::bigint[] WHERE id = $1"},
    {"td_reprocess_lock", "SELECT " TD_REPROCESS_COLUMNS " FROM reprocess_requests WHERE id = $1 FOR UPDATE"},
    {"td_reprocess_finish", R"SQL(
UPDATE reprocess_requests SET status = CASE WHEN $2 THEN 'complete' ELSE 'error' END, error = $3, finished_at = now()
 WHERE id = $1 AND status = 'pending')SQL"},
    {"td_reprocess_summaries_done",
     "SELECT count(DISTINCT variant) FROM summaries WHERE reprocess_id = $1 AND variant = ANY($2::text[])"},
    {"td_reprocess_audio_done",
     "SELECT count(DISTINCT variant) FROM audio WHERE reprocess_id = $1 AND variant = ANY($2::text[])"},
};
const size_t kReprocessStatementCount = std::size(kReprocessStatements);

#undef TD_REPROCESS_COLUMNS

namespace {

ReprocessRequest from_row(const pqxx::row& r) {
  ReprocessRequest q;
  q.id = r[0].as<int64_t>();
  q.video_id = r[1].as<std::string>();
  q.variants = nlohmann::json::parse(r[2].as<std::string>()).get<std::vector<std::string>>();
  q.regenerate_audio = r[3].as<bool>();
  q.job_ids = nlohmann::json::parse(r[4].as<std::string>()).get<std::vector<int64_t>>();
  q.status = r[5].as<std::string>();
  if (!r[6].is_null()) q.error = r[6].as<std::string>();
  return q;
}

}  // namespace

std::string reprocess_key(const std::string& video_id, std::vector<std::string> variants, bool regenerate_audio) {
  std::sort(variants.begin(), variants.end());
  std::string key = video_id + "|" + (regenerate_audio ? "audio" : "text");
  for (const auto& v : variants) key += "|" + v;
  return key;
}

OpenedReprocess open_reprocess(pqxx::transaction_base& tx, const std::string& video_id,
                               const std::vector<std::string>& variants, bool regenerate_audio) {
  auto key = reprocess_key(video_id, variants, regenerate_audio);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto rows = tx.exec_prepared("td_reprocess_open", video_id, db::array_literal(variants), regenerate_audio, key);
    if (!rows.empty()) return {from_row(rows[0]), true};
    auto existing = tx.exec_prepared("td_reprocess_pending_by_key", key);
    if (!existing.empty()) return {from_row(existing[0]), false};
    // The pending one finished between the two statements: try again.
  }
  throw std::runtime_error("could not open a reprocess request for " + video_id);
}

void set_reprocess_jobs(pqxx::transaction_base& tx, int64_t id, const std::vector<int64_t>& job_ids) {
  tx.exec_prepared("td_reprocess_set_jobs", id, db::array_literal(job_ids));
}

std::optional<ReprocessRequest> lock_reprocess(pqxx::transaction_base& tx, int64_t id) {
  auto rows = tx.exec_prepared("td_reprocess_lock", id);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

bool finish_reprocess(pqxx::transaction_base& tx, int64_t id, bool ok, const std::optional<std::string>& error) {
  return tx.exec_prepared("td_reprocess_finish", id, ok, db::nullable(error)).affected_rows() > 0;
}

bool reprocess_outputs_done(pqxx::transaction_base& tx, const ReprocessRequest& r) {
  auto summaries =
      tx.exec_prepared("td_reprocess_summaries_done", r.id, db::array_literal(r.variants))[0][0].as<size_t>();
  if (summaries < r.variants.size()) return false;
  if (!r.regenerate_audio) return true;
  std::vector<std::string> audio;
  for (const auto& v : r.variants)
    if (parse_variant(v).is_audio()) audio.push_back(v);
  if (audio.empty()) return true;
  return tx.exec_prepared("td_reprocess_audio_done", r.id, db::array_literal(audio))[0][0].as<size_t>() >= audio.size();
}

}  // namespace td::store
