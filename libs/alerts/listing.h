// The alert listing, as GET /api/alerts answers it and `tubedigest alerts
// --json` prints it: built in one place so the two never differ.
//
//   {"alerts": [{fingerprint, alertname, labels, annotations, status
//    ("firing" | "resolved"), starts_at, ends_at (null while firing),
//    last_notified_at (null before the first notification)}],
//    "firing": <count>, "evaluator": <holder of the evaluator lease, or
//    null when no process evaluates>, "generated_at"}
// Firing alerts first, then those resolved within `resolved_within`, most
// recently changed first (alerts::list). Times are ISO 8601 UTC.
// The alert-firing / alert-resolved events carry the same object per alert
// (to_json), so a client reads one shape everywhere.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "alerts/state.h"
#include "common/clock.h"

namespace td::alerts {

struct Listing {
  std::vector<AlertState> alerts;
  std::optional<std::string> evaluator;
  Clock::time_point generated_at{};
  int firing() const;
};

// Two small reads (the alerts table by its status index, the lease row);
// needs the alerts library's statements (catalog::prepare).
Listing load_listing(pqxx::transaction_base& tx, std::chrono::seconds resolved_within);

nlohmann::json to_json(const AlertState& a);
nlohmann::json to_json(const Listing& listing);

}  // namespace td::alerts
