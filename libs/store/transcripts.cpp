#include "store/transcripts.h"

#include "db/sql.h"
#include "store/chunk_notes.h"
#include "store/statements.h"

namespace td::store {

const Statement kTranscriptStatements[] = {
    {"td_transcript_upsert", R"SQL(
INSERT INTO transcripts (video_id, language, source, text, segments, word_count)
VALUES ($1, $2, $3, $4, $5::jsonb, $6)
ON CONFLICT (video_id) DO UPDATE SET language = excluded.language, source = excluded.source, text = excluded.text,
  segments = excluded.segments, word_count = excluded.word_count, created_at = now())SQL"},
    {"td_transcript_touch", "UPDATE transcripts SET created_at = now() WHERE video_id = $1"},
    // GET /api/metrics: the newest ingest (index transcripts_newest, schema/005).
    {"td_transcript_newest",
     "SELECT video_id, extract(epoch FROM created_at)::float8 FROM transcripts ORDER BY created_at DESC LIMIT 1"},
    {"td_transcript_get",
     "SELECT video_id, language, source, text, segments::text, word_count FROM transcripts WHERE video_id = $1"},
};
const size_t kTranscriptStatementCount = std::size(kTranscriptStatements);

void upsert_transcript(pqxx::transaction_base& tx, const TranscriptRow& t) {
  forget_stale_chunk_notes(tx, t.video_id, t.text);
  tx.exec_prepared("td_transcript_upsert", t.video_id, db::nullable(t.language), t.source, t.text, t.segments.dump(),
                   t.word_count);
}

bool touch_transcript(pqxx::transaction_base& tx, const std::string& video_id) {
  return tx.exec_prepared("td_transcript_touch", video_id).affected_rows() > 0;
}

std::optional<TranscriptRow> get_transcript(pqxx::transaction_base& tx, const std::string& video_id) {
  auto rows = tx.exec_prepared("td_transcript_get", video_id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  TranscriptRow t;
  t.video_id = r[0].as<std::string>();
  if (!r[1].is_null()) t.language = r[1].as<std::string>();
  t.source = r[2].as<std::string>();
  t.text = r[3].as<std::string>();
  t.segments = nlohmann::json::parse(r[4].as<std::string>());
  t.word_count = r[5].as<int>();
  return t;
}

std::optional<NewestTranscript> newest_transcript(pqxx::transaction_base& tx) {
  auto rows = tx.exec_prepared("td_transcript_newest");
  if (rows.empty()) return std::nullopt;
  return NewestTranscript{rows[0][0].as<std::string>(), from_epoch(rows[0][1].as<double>())};
}

}  // namespace td::store
