// Chunk notes kept in PostgreSQL (table chunk_notes, schema/008): the
// summarize stage's summarize::NotesStore, one per job, on the slot's
// connection, for the job's video.
//
// One worker makes a key's notes while the others wait: the maker holds a
// session-level advisory lock on (video, key) during the provider call,
// which runs in no transaction; a waiter polls the lock and the table every
// `poll` and reads the notes once they are kept. A maker that dies releases
// the lock with its session, and a waiter that has waited `max_wait` (a
// provider that stalls for minutes) makes its own notes rather than stall
// its job. Four variants queued together thus cost one request per chunk,
// whichever replicas run them.
//
// The cache never fails a job: when PostgreSQL cannot be read or written
// here, the notes are made (or used) without it and a warning is logged; the
// job's own transaction meets the same fault and the worker's reconnect
// handles it.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "summarize/notes.h"

namespace td::summarize_stage {

class PgNotesStore final : public summarize::NotesStore {
 public:
  PgNotesStore(pqxx::connection& conn, std::string video_id,
               std::chrono::milliseconds poll = std::chrono::milliseconds(250),
               std::chrono::milliseconds max_wait = std::chrono::minutes(10));
  summarize::Notes notes(const summarize::NotesRequest& request,
                         const std::function<summarize::Notes()>& make) override;

 private:
  std::optional<summarize::Notes> kept(const std::string& key);
  bool try_lock(const std::string& key);
  void unlock(const std::string& key);
  void keep(const summarize::NotesRequest& request, const summarize::Notes& notes);

  pqxx::connection& conn_;
  std::string video_id_;
  std::chrono::milliseconds poll_, max_wait_;
};

}  // namespace td::summarize_stage
