#include "store/summaries.h"

#include "db/sql.h"
#include "store/statements.h"

namespace td::store {

#define TD_SUMMARY_COLUMNS                                                                         \
  "id, video_id, variant, revision, text, language, word_count, provider, model, prompt_version, " \
  "guardrail::text, job_id, reprocess_id, extract(epoch FROM created_at)::float8"

const Statement kSummaryStatements[] = {
    {"td_summary_by_job", "SELECT " TD_SUMMARY_COLUMNS " FROM summaries WHERE job_id = $1"},
    {"td_summary_insert", R"SQL(
INSERT INTO summaries (video_id, variant, revision, text, language, word_count, provider, model, prompt_version,
                       guardrail, job_id, reprocess_id)
SELECT $1, $2, coalesce(max(revision), 0) + 1, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::bigint, $11::bigint
  FROM summaries WHERE video_id = $1 AND variant = $2
RETURNING )SQL" TD_SUMMARY_COLUMNS},
    {"td_summary_current", "SELECT " TD_SUMMARY_COLUMNS
                           " FROM summaries WHERE video_id = $1 AND variant = $2 ORDER BY revision DESC LIMIT 1"},
    {"td_summary_current_all", "SELECT DISTINCT ON (variant) " TD_SUMMARY_COLUMNS
                               " FROM summaries WHERE video_id = $1 ORDER BY variant, revision DESC"},
    {"td_summary_revisions",
     "SELECT " TD_SUMMARY_COLUMNS " FROM summaries WHERE video_id = $1 AND variant = $2 ORDER BY revision"},
};
const size_t kSummaryStatementCount = std::size(kSummaryStatements);

#undef TD_SUMMARY_COLUMNS

namespace {

Summary from_row(const pqxx::row& r) {
  Summary s;
  s.id = r[0].as<int64_t>();
  s.video_id = r[1].as<std::string>();
  s.variant = r[2].as<std::string>();
  s.revision = r[3].as<int>();
  s.text = r[4].as<std::string>();
  if (!r[5].is_null()) s.language = r[5].as<std::string>();
  s.word_count = r[6].as<int>();
  s.provider = r[7].as<std::string>();
  if (!r[8].is_null()) s.model = r[8].as<std::string>();
  if (!r[9].is_null()) s.prompt_version = r[9].as<std::string>();
  s.guardrail = nlohmann::json::parse(r[10].as<std::string>());
  if (!r[11].is_null()) s.job_id = r[11].as<int64_t>();
  if (!r[12].is_null()) s.reprocess_id = r[12].as<int64_t>();
  s.created_at = from_epoch(r[13].as<double>());
  return s;
}

std::optional<std::string> opt_int(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

}  // namespace

StoredSummary insert_summary_once(pqxx::transaction_base& tx, const Summary& s) {
  if (s.job_id) {
    auto existing = tx.exec_prepared("td_summary_by_job", *s.job_id);
    if (!existing.empty()) return {from_row(existing[0]), false};
  }
  auto rows =
      tx.exec_prepared("td_summary_insert", s.video_id, s.variant, s.text, db::nullable(s.language), s.word_count,
                       s.provider, db::nullable(s.model), db::nullable(s.prompt_version), s.guardrail.dump(),
                       db::nullable(opt_int(s.job_id)), db::nullable(opt_int(s.reprocess_id)));
  return {from_row(rows[0]), true};
}

std::optional<Summary> current_summary(pqxx::transaction_base& tx, const std::string& video_id,
                                       const std::string& variant) {
  auto rows = tx.exec_prepared("td_summary_current", video_id, variant);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::vector<Summary> current_summaries(pqxx::transaction_base& tx, const std::string& video_id) {
  std::vector<Summary> out;
  for (const auto& r : tx.exec_prepared("td_summary_current_all", video_id)) out.push_back(from_row(r));
  return out;
}

std::vector<Summary> summary_revisions(pqxx::transaction_base& tx, const std::string& video_id,
                                       const std::string& variant) {
  std::vector<Summary> out;
  for (const auto& r : tx.exec_prepared("td_summary_revisions", video_id, variant)) out.push_back(from_row(r));
  return out;
}

std::optional<nlohmann::json> summary_fallback(const nlohmann::json& guardrail) {
  if (!guardrail.is_object()) return std::nullopt;
  auto attempts = guardrail.find("attempts");
  auto accepted = guardrail.find("accepted");
  if (attempts == guardrail.end() || !attempts->is_array() || attempts->empty()) return std::nullopt;
  if (accepted == guardrail.end() || !accepted->is_object()) return std::nullopt;
  const auto& first = (*attempts)[0];
  std::string from = first.value("summarizer", "");
  std::string to = accepted->value("summarizer", "");
  if (from.empty() || to.empty() || from == to) return std::nullopt;
  std::string reason;
  if (first.contains("reason") && first["reason"].is_string()) reason = first["reason"].get<std::string>();
  else if (first.contains("failed") && first["failed"].is_array() && !first["failed"].empty())
    reason = first["failed"][0].value("check", "");
  if (reason.empty()) reason = "unknown";
  return nlohmann::json{{"from", from}, {"to", to}, {"reason", reason}};
}

}  // namespace td::store
