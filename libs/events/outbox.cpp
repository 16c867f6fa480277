#include "events/outbox.h"

#include "db/statements.h"

namespace td::events {

namespace {

constexpr db::Statement kStatements[] = {
    {"td_event_emit", "SELECT td_emit_event($1, $2, $3::jsonb)"},
    {"td_event_settled", "SELECT td_events_settled()"},
    {"td_event_read", R"SQL(
SELECT id, type, video_id, data::text, extract(epoch FROM created_at)::float8
  FROM events WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3)SQL"},
    {"td_event_oldest", "SELECT min(id) FROM events"},
    {"td_event_prune", R"SQL(
DELETE FROM events WHERE id IN (
  SELECT id FROM events WHERE created_at < now() - $1 * interval '1 second' ORDER BY id LIMIT $2))SQL"},
};

}  // namespace

void prepare(pqxx::connection_base& conn) { db::register_statements(conn, kStatements); }

int64_t emit(pqxx::transaction_base& tx, const std::string& type, const std::optional<std::string>& video_id,
             const nlohmann::json& data) {
  const char* vid = video_id ? video_id->c_str() : nullptr;
  return tx.exec_prepared("td_event_emit", type, vid, data.dump())[0][0].as<int64_t>();
}

int64_t Reader::refresh_settled(pqxx::connection_base& conn) {
  pqxx::work tx(conn);
  // A writer stuck between emit() and commit must not hang the reader: after
  // the timeout this throws, and the caller tries again on its next wakeup.
  tx.exec("SET LOCAL lock_timeout = '5s'");
  settled_ = tx.exec_prepared("td_event_settled")[0][0].as<int64_t>();
  tx.commit();
  return settled_;
}

std::vector<Event> Reader::read_after(pqxx::connection_base& conn, int64_t after, size_t limit) {
  // Two rounds at most: when nothing lies between the cursor and the settled
  // id we knew (all gaps left by rollbacks), take a fresh settled id once.
  for (int round = 0; round < 2; ++round) {
    if (round == 1 || after >= settled_) refresh_settled(conn);
    if (after >= settled_) return {};
    std::vector<Event> out;
    pqxx::read_transaction tx(conn);
    for (const auto& r : tx.exec_prepared("td_event_read", after, settled_, static_cast<int64_t>(limit))) {
      Event e;
      e.id = r[0].as<int64_t>();
      e.type = r[1].as<std::string>();
      if (!r[2].is_null()) e.video_id = r[2].as<std::string>();
      e.data = nlohmann::json::parse(r[3].as<std::string>());
      e.at = from_epoch(r[4].as<double>());
      out.push_back(std::move(e));
    }
    if (!out.empty()) return out;
  }
  return {};
}

std::optional<int64_t> oldest_id(pqxx::transaction_base& tx) {
  auto r = tx.exec_prepared("td_event_oldest");
  if (r[0][0].is_null()) return std::nullopt;
  return r[0][0].as<int64_t>();
}

int prune(pqxx::transaction_base& tx, std::chrono::seconds retention, int limit) {
  return static_cast<int>(
      tx.exec_prepared("td_event_prune", static_cast<int64_t>(retention.count()), limit).affected_rows());
}

}  // namespace td::events
