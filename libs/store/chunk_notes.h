// chunk_notes: the notes of a long transcript's chunks, kept per video
// (schema/008, summarize/notes.h), and the advisory lock under which one
// worker makes a key's notes while the others wait.
#pragma once

#include <optional>
#include <string>

#include <pqxx/pqxx>

namespace td::store {

struct ChunkNotesRow {
  std::string video_id;
  std::string key;
  int level = 0, part = 1, parts = 1;
  std::string model;
  std::string prompt_version;
  std::string notes;
};

std::optional<ChunkNotesRow> get_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id,
                                             const std::string& key);
// Keeps the row; false when one was already kept under its key (that one stays).
bool put_chunk_notes(pqxx::transaction_base& tx, const ChunkNotesRow& row);
// Drops a video's notes when its transcript text is about to change to `text`
// (called by upsert_transcript before it writes).
void forget_stale_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id, const std::string& text);
int count_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id);

// Session-level advisory lock on (video_id, key): held across transactions
// (the provider call runs in none) and released by unlock or when the
// session ends, so a worker that dies never leaves it held. Run them in a
// pqxx::nontransaction.
bool try_lock_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id, const std::string& key);
void unlock_chunk_notes(pqxx::transaction_base& tx, const std::string& video_id, const std::string& key);

}  // namespace td::store
