// pauses: cluster-wide "stop calling X until T" shared by every replica,
// e.g. YouTube throttling ingest. Jobs wait for the pause; none fail for it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "common/clock.h"

namespace td::store {

struct Pause {
  std::string name;
  Clock::time_point until;
  std::string reason;
  int hits = 0;  // how many times it was (re)started; callers grow the backoff with it
};

// Starts or extends the pause (never shortens an active one).
Pause set_pause(pqxx::transaction_base& tx, const std::string& name, std::chrono::milliseconds duration,
                const std::string& reason);
// The pause if it is still in force.
std::optional<Pause> active_pause(pqxx::transaction_base& tx, const std::string& name);
std::vector<Pause> active_pauses(pqxx::transaction_base& tx);
void clear_pause(pqxx::transaction_base& tx, const std::string& name);

}  // namespace td::store
