#include "stage_notes.h"

#include <spdlog/spdlog.h>

#include <thread>
#include <utility>

#include "store/chunk_notes.h"

namespace td::summarize_stage {

PgNotesStore::PgNotesStore(pqxx::connection& conn, std::string video_id, std::chrono::milliseconds poll,
                           std::chrono::milliseconds max_wait)
    : conn_(conn), video_id_(std::move(video_id)), poll_(poll), max_wait_(max_wait) {}

std::optional<summarize::Notes> PgNotesStore::kept(const std::string& key) {
  try {
    pqxx::read_transaction tx(conn_);
    if (auto row = store::get_chunk_notes(tx, video_id_, key)) return summarize::Notes{row->notes, row->model};
  } catch (const pqxx::failure& e) {
    spdlog::warn("video={} chunk notes could not be read, making them anew: {}", video_id_, e.what());
  }
  return std::nullopt;
}

bool PgNotesStore::try_lock(const std::string& key) {
  pqxx::nontransaction tx(conn_);
  return store::try_lock_chunk_notes(tx, video_id_, key);
}

void PgNotesStore::unlock(const std::string& key) {
  try {
    pqxx::nontransaction tx(conn_);
    store::unlock_chunk_notes(tx, video_id_, key);
  } catch (const pqxx::failure& e) {
    // A broken session has released its locks already.
    spdlog::warn("video={} chunk notes lock not released (the session ends it): {}", video_id_, e.what());
  }
}

void PgNotesStore::keep(const summarize::NotesRequest& request, const summarize::Notes& notes) {
  try {
    pqxx::work tx(conn_);
    store::put_chunk_notes(tx, {video_id_, request.key, request.level, request.part, request.parts, notes.model,
                                request.prompt_version, notes.text});
    tx.commit();
  } catch (const pqxx::foreign_key_violation&) {
    // The video was deleted meanwhile; its job fails when it stores.
  } catch (const pqxx::failure& e) {
    spdlog::warn("video={} chunk notes part {}/{} not kept: {}", video_id_, request.part, request.parts, e.what());
  }
}

summarize::Notes PgNotesStore::notes(const summarize::NotesRequest& request,
                                     const std::function<summarize::Notes()>& make) {
  if (auto n = kept(request.key)) return *n;
  bool locked = false;
  try {
    auto since = std::chrono::steady_clock::now();
    while (!(locked = try_lock(request.key))) {
      // Another worker is making these notes: wait for them.
      std::this_thread::sleep_for(poll_);
      if (auto n = kept(request.key)) return *n;
      if (std::chrono::steady_clock::now() - since >= max_wait_) {
        spdlog::warn("video={} chunk notes part {}/{}: waited {} s for another worker, making them here", video_id_,
                     request.part, request.parts, max_wait_.count() / 1000);
        break;
      }
    }
  } catch (const pqxx::failure& e) {
    spdlog::warn("video={} chunk notes lock unavailable, making them unlocked: {}", video_id_, e.what());
  }
  struct Release {
    PgNotesStore* self;
    const std::string& key;
    bool held;
    ~Release() {
      if (held) self->unlock(key);
    }
  } release{this, request.key, locked};
  // The holder we waited for may have kept them just before we got the lock.
  if (locked)
    if (auto n = kept(request.key)) return *n;
  summarize::Notes made = make();
  keep(request, made);
  return made;
}

}  // namespace td::summarize_stage
