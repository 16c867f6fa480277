// One evaluation round, as the leading process runs it every
// ALERT_EVAL_INTERVAL (runtime.h runs the loop):
//
//   BEGIN
//     take or renew the evaluator lease (leader.h)  -- not ours: stop here
//     active = rules::evaluate(...)                 -- what holds now
//     t = state::apply(active, repeat_interval)      -- what changed
//     per fired / repeat-due / resolved alert: queue its notifications,
//       mark it notified; per fired / resolved: the outbox event
//       alert-firing / alert-resolved (data: listing.h's to_json of the alert)
//   COMMIT
//
// Everything commits together or not at all, so a crash anywhere in the
// round loses nothing and doubles nothing: the next round (here or in the
// next leader) finds the same transitions and does them once. The lease
// row stays locked until the commit, so two processes never run a round at
// the same time even when one stalls past its lease.
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "alerts/leader.h"
#include "alerts/settings.h"
#include "alerts/state.h"
#include "queue/queue.h"

namespace td::alerts {

struct Round {
  bool led = false;  // false: another process holds the lease; nothing else was done
  std::vector<AlertState> fired, repeated, resolved;
  size_t notifications = 0;  // jobs queued
};

Round evaluate_round(pqxx::transaction_base& tx, const LeaderLease& lease, const Settings& settings,
                     const queue::Queue& queue);

}  // namespace td::alerts
