// Alert state: what is firing, since when, and when it was last notified,
// kept in the alerts table (schema/010_alerts.sql) and nowhere else, so a
// restarted process or a newly elected leader carries on exactly where the
// last one stopped: it neither fires a firing alert again nor forgets it.
//
// One evaluation = one transaction, holding the leader lease (leader.h):
//   active = rules::evaluate(tx, thresholds);
//   auto t = apply(tx, active, repeat_interval);
//   for each of t.fired, t.repeat_due, t.resolved: queue its notification
//     (durable work, same transaction) and mark_notified(tx, fingerprint);
//   commit.
// A crash before the commit loses nothing: the next evaluation finds the same
// transitions again. Transitions are computed in database time (now()).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "alerts/alert.h"
#include "common/clock.h"

namespace td::alerts {

struct AlertState {
  std::string fingerprint;
  Alert alert;
  std::string status;  // "firing" or "resolved"
  Clock::time_point starts_at;
  std::optional<Clock::time_point> ends_at;
  std::optional<Clock::time_point> last_notified_at;
};

struct Transitions {
  std::vector<AlertState> fired;       // not firing before this call (new, or firing again after a resolve)
  std::vector<AlertState> repeat_due;  // still firing, and last notified longer ago than the repeat interval
                                       // (or never: a notification that was not handed on is not lost)
  std::vector<AlertState> resolved;    // firing before, no longer active
};

// Records `active` (what the rules say now) against the table: upserts each
// active alert as firing (keeping starts_at and last_notified_at of one that
// was already firing; annotations are refreshed), marks every firing alert
// not in `active` resolved with ends_at = now(), and returns what changed.
// Calling it again with the same input reports nothing new fired.
Transitions apply(pqxx::transaction_base& tx, const std::vector<Alert>& active,
                  std::chrono::milliseconds repeat_interval);

// The notification for this alert's current state was handed on (queued):
// the repeat interval counts from now.
void mark_notified(pqxx::transaction_base& tx, const std::string& fingerprint);

// Firing alerts and those resolved within `resolved_within`, firing first,
// then most recently changed first (GET /api/alerts, `tubedigest alerts`).
std::vector<AlertState> list(pqxx::transaction_base& tx, std::chrono::seconds resolved_within);

}  // namespace td::alerts
