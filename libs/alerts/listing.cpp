#include "alerts/listing.h"

#include <algorithm>

#include "alerts/leader.h"
#include "common/time_format.h"

namespace td::alerts {

namespace {

nlohmann::json time_or_null(const std::optional<Clock::time_point>& t) {
  return t ? nlohmann::json(iso8601(*t)) : nlohmann::json();
}

}  // namespace

int Listing::firing() const {
  return static_cast<int>(
      std::count_if(alerts.begin(), alerts.end(), [](const AlertState& a) { return a.status == "firing"; }));
}

Listing load_listing(pqxx::transaction_base& tx, std::chrono::seconds resolved_within) {
  Listing out;
  out.alerts = list(tx, resolved_within);
  // The TTL only matters when acquiring; reading the holder ignores it.
  out.evaluator = LeaderLease(kEvaluatorLease, "", std::chrono::seconds(1)).current_holder(tx);
  out.generated_at = std::chrono::system_clock::now();
  return out;
}

nlohmann::json to_json(const AlertState& a) {
  return {{"fingerprint", a.fingerprint},
          {"alertname", a.alert.alertname},
          {"labels", a.alert.labels},
          {"annotations", a.alert.annotations},
          {"status", a.status},
          {"starts_at", iso8601(a.starts_at)},
          {"ends_at", time_or_null(a.ends_at)},
          {"last_notified_at", time_or_null(a.last_notified_at)}};
}

nlohmann::json to_json(const Listing& listing) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : listing.alerts) list.push_back(to_json(a));
  return {{"alerts", std::move(list)},
          {"firing", listing.firing()},
          {"evaluator", listing.evaluator ? nlohmann::json(*listing.evaluator) : nlohmann::json()},
          {"generated_at", iso8601(listing.generated_at)}};
}

}  // namespace td::alerts
