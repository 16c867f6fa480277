#include "store/pauses.h"

#include "store/statements.h"

namespace td::store {

const Statement kPauseStatements[] = {
    // A pause that expired long ago starts its count again.
    {"td_pause_set", R"SQL(
INSERT INTO pauses (name, paused_until, reason) VALUES ($1, now() + $2 * interval '1 millisecond', $3)
ON CONFLICT (name) DO UPDATE SET
  paused_until = greatest(pauses.paused_until, excluded.paused_until),
  reason = excluded.reason,
  hits = CASE WHEN pauses.paused_until < now() - interval '1 hour' THEN 1 ELSE pauses.hits + 1 END,
  updated_at = now()
RETURNING name, extract(epoch FROM paused_until)::float8, reason, hits)SQL"},
    {"td_pause_active", R"SQL(
SELECT name, extract(epoch FROM paused_until)::float8, reason, hits FROM pauses
 WHERE name = $1 AND paused_until > now())SQL"},
    {"td_pause_all", R"SQL(
SELECT name, extract(epoch FROM paused_until)::float8, reason, hits FROM pauses WHERE paused_until > now() ORDER BY name)SQL"},
    {"td_pause_clear", "DELETE FROM pauses WHERE name = $1"},
};
const size_t kPauseStatementCount = std::size(kPauseStatements);

namespace {
Pause from_row(const pqxx::row& r) {
  return {r[0].as<std::string>(), from_epoch(r[1].as<double>()), r[2].as<std::string>(), r[3].as<int>()};
}
}  // namespace

Pause set_pause(pqxx::transaction_base& tx, const std::string& name, std::chrono::milliseconds duration,
                const std::string& reason) {
  return from_row(tx.exec_prepared("td_pause_set", name, static_cast<int64_t>(duration.count()), reason)[0]);
}

std::optional<Pause> active_pause(pqxx::transaction_base& tx, const std::string& name) {
  auto rows = tx.exec_prepared("td_pause_active", name);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::vector<Pause> active_pauses(pqxx::transaction_base& tx) {
  std::vector<Pause> out;
  for (const auto& r : tx.exec_prepared("td_pause_all")) out.push_back(from_row(r));
  return out;
}

void clear_pause(pqxx::transaction_base& tx, const std::string& name) { tx.exec_prepared("td_pause_clear", name); }

}  // namespace td::store
