// The events outbox: state changes announce themselves to readers (the
// gateway's SSE stream) through the `events` table.
//
// Writers: emit() inserts the event in the caller's transaction, so the
// change and its event commit or vanish together, and NOTIFYs 'td_events'
// with the id (delivered at commit).
//
// Readers deliver events in id order and resume from the last id they saw.
// Ids come from a sequence, drawn when a row is inserted, but transactions
// commit in any order: transaction A may draw id 10, transaction B id 11, and
// B commit first. A reader that saw 11 and moved its cursor past it would
// never deliver 10. So a reader only delivers up to a *settled* id, below
// which every transaction has ended:
//
//   1. emit() takes advisory lock K in SHARE mode (transaction scope) before
//      it draws its id. Writers never conflict with each other.
//   2. The reader takes K in EXCLUSIVE mode in a transaction of its own. It
//      gets it only when no writer holds K, i.e. every id drawn so far belongs
//      to a transaction that has already committed or aborted. It reads the
//      sequence's last value (the settled id) and commits, releasing K.
//   3. It reads `id > cursor AND id <= settled` in id order. Ids drawn after
//      step 2 are higher than `settled` and wait for the next round.
//
// The exclusive lock waits for writers that are between emit() and commit,
// so emit() should be the last thing a transaction does before committing
// (a writer that does slow work after emitting delays every reader). Ids lost
// to rollbacks are gaps that no reader waits for.
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace td::events {

inline constexpr const char* kChannel = "td_events";

struct Event {
  int64_t id = 0;
  std::string type;
  std::optional<std::string> video_id;
  nlohmann::json data = nlohmann::json::object();
  Clock::time_point at;
};

// Registers the named statements of this module on a connection.
void prepare(pqxx::connection_base& conn);

// Inserts an event in `tx` and returns its id. Call it last before commit.
int64_t emit(pqxx::transaction_base& tx, const std::string& type, const std::optional<std::string>& video_id,
             const nlohmann::json& data = nlohmann::json::object());

// Reads committed events in id order without ever passing an unsettled id.
// One reader per cursor; not thread-safe.
class Reader {
 public:
  // Events with id > after, at most `limit`, in id order. Runs its own short
  // transactions on `conn` (which must not be inside a transaction).
  std::vector<Event> read_after(pqxx::connection_base& conn, int64_t after, size_t limit = 1000);

  // Takes a fresh settled id (step 2 above) and returns it: where a new live
  // stream without a Last-Event-ID starts.
  int64_t refresh_settled(pqxx::connection_base& conn);
  // The settled id as of the last read or refresh (0 before any).
  int64_t settled() const { return settled_; }

 private:
  int64_t settled_ = 0;
};

// The lowest id still stored, or nullopt when the table is empty. A client
// whose last id is below oldest - 1 missed pruned events and must refetch.
std::optional<int64_t> oldest_id(pqxx::transaction_base& tx);

// Deletes up to `limit` events older than `retention`; returns how many.
int prune(pqxx::transaction_base& tx, std::chrono::seconds retention, int limit = 1000);

}  // namespace td::events
