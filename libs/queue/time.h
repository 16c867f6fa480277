// Passing a Clock's time to SQL. Queue and metrics statements take an
// optional timestamp parameter and use coalesce($n::timestamptz, now()):
// with no Clock they run on the database's clock (one clock for every host),
// and tests inject a ManualClock to move time without sleeping.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"

namespace td::queue {

// "2026-11-26 12:00:00.123456+00"
std::string format_timestamp(Clock::time_point t);
// Statements return times as epoch seconds (extract(epoch from t), read
// with td::from_epoch), which needs no parsing and does not depend on the
// session's TimeZone.

// The parameter for a statement: the clock's now, or NULL (database time).
inline std::optional<std::string> now_param(const Clock* clock) {
  if (!clock) return std::nullopt;
  return format_timestamp(clock->now());
}

}  // namespace td::queue
