#include "store/chunk_notes.h"

#include "store/statements.h"

namespace td::store {

// The lock id: a 64-bit hash of video and key (7: tubedigest's chunk-notes
// seed, so these ids stay apart from any other user of hashtextextended).
#define TD_CHUNK_NOTES_LOCK_ID "hashtextextended($1 || '/' || $2, 7)"

const Statement kChunkNotesStatements[] = {
    {"td_chunk_notes_get", R"SQL(
SELECT video_id, key, level, part, parts, model, prompt_version, notes FROM chunk_notes
WHERE video_id = $1 AND key = $2)SQL"},
    {"td_chunk_notes_put", R"SQL(
INSERT INTO chunk_notes (video_id, key, level, part, parts, model, prompt_version, notes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (video_id, key) DO NOTHING)SQL"},
    {"td_chunk_notes_forget_stale", R"SQL(
DELETE FROM chunk_notes WHERE video_id = $1
  AND NOT EXISTS (SELECT 1 FROM transcripts WHERE video_id = $1 AND text = $2))SQL"},
    {"td_chunk_notes_count", "SELECT count(*) FROM chunk_notes WHERE video_id = $1"},
    {"td_chunk_notes_try_lock", "SELECT pg_try_advisory_lock(" TD_CHUNK_NOTES_LOCK_ID ")"},
    {"td_chunk_notes_unlock", "SELECT pg_advisory_unlock(" TD_CHUNK_NOTES_LOCK_ID ")"},
};
const size_t kChunkNotesStatementCount = std::size(kChunkNotesStatements);

std::optional<ChunkNotesRow> get_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id,
                                             const std::string& key) {
  auto rows = tx.exec_prepared("td_chunk_notes_get", video_id, key);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  return ChunkNotesRow{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int>(),         r[3].as<int>(),
                       r[4].as<int>(),         r[5].as<std::string>(), r[6].as<std::string>(), r[7].as<std::string>()};
}

bool put_chunk_notes(pqxx::transaction_base& tx, const ChunkNotesRow& row) {
  return tx.exec_prepared("td_chunk_notes_put", row.video_id, row.key, row.level, row.part, row.parts, row.model,
                          row.prompt_version, row.notes)
             .affected_rows() > 0;
}

void forget_stale_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id, const std::string& text) {
  tx.exec_prepared("td_chunk_notes_forget_stale", video_id, text);
}

int count_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id) {
  return tx.exec_prepared1("td_chunk_notes_count", video_id)[0].as<int>();
}

bool try_lock_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id, const std::string& key) {
  return tx.exec_prepared1("td_chunk_notes_try_lock", video_id, key)[0].as<bool>();
}

void unlock_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id, const std::string& key) {
  tx.exec_prepared("td_chunk_notes_unlock", video_id, key);
}

}  // namespace td::store
