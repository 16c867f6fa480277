#include "alerts/leader.h"

#include <cstdint>

#include "alerts/statements.h"

namespace td::alerts {

const Statement kLeaderStatements[] = {
    // Take (no row, or an expired one) or renew (ours) in one statement. On a
    // conflict the row is locked and the WHERE re-checked against the
    // committed row, so two callers racing for a free lease cannot both win.
    {"td_leader_acquire", R"SQL(
INSERT INTO leader_leases (name, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
 WHERE leader_leases.expires_at < now() OR leader_leases.holder = excluded.holder
RETURNING holder)SQL"},
    {"td_leader_release", "DELETE FROM leader_leases WHERE name = $1 AND holder = $2"},
    {"td_leader_current", "SELECT holder FROM leader_leases WHERE name = $1 AND expires_at >= now()"},
};
const size_t kLeaderStatementCount = std::size(kLeaderStatements);

LeaderLease::LeaderLease(std::string name, std::string holder, std::chrono::milliseconds ttl)
    : name_(std::move(name)), holder_(std::move(holder)), ttl_(ttl) {}

bool LeaderLease::try_acquire(pqxx::transaction_base& tx) const {
  return !tx.exec_prepared("td_leader_acquire", name_, holder_, static_cast<int64_t>(ttl_.count())).empty();
}

void LeaderLease::release(pqxx::transaction_base& tx) const { tx.exec_prepared("td_leader_release", name_, holder_); }

std::optional<std::string> LeaderLease::current_holder(pqxx::transaction_base& tx) const {
  auto rows = tx.exec_prepared("td_leader_current", name_);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

}  // namespace td::alerts
