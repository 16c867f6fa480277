#include "alerts/state.h"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "alerts/statements.h"
#include "db/sql.h"

namespace td::alerts {

// The columns every statement below returns, in this order (read by
// from_row): fingerprint, alertname, labels, annotations, status, starts_at,
// ends_at, last_notified_at (times as epoch seconds).
#define TD_ALERT_COLUMNS                                                                                     \
  "fingerprint, alertname, labels::text, annotations::text, status, extract(epoch FROM starts_at)::float8, " \
  "extract(epoch FROM ends_at)::float8, extract(epoch FROM last_notified_at)::float8"

const Statement kStateStatements[] = {
    // $1 fingerprint, $2 alertname, $3 labels, $4 annotations, $5 repeat
    // interval (ms). RETURNING sees only the new row: `old` reads the row as
    // it was, through the statement's snapshot. (Not FOR UPDATE: a row the
    // same statement then updates would be skipped by the lock and read as
    // missing. The upsert takes the row lock itself, and the leader lease
    // keeps a second evaluator from running this concurrently.) Extra
    // columns after TD_ALERT_COLUMNS: fired, repeat_due.
    {"td_alert_fire", R"SQL(
WITH old AS (SELECT status FROM alerts WHERE fingerprint = $1)
INSERT INTO alerts (fingerprint, alertname, labels, annotations, status, starts_at, updated_at)
VALUES ($1, $2, $3::jsonb, $4::jsonb, 'firing', now(), now())
ON CONFLICT (fingerprint) DO UPDATE SET
  alertname = excluded.alertname, labels = excluded.labels, annotations = excluded.annotations,
  status = 'firing', ends_at = NULL, updated_at = now(),
  starts_at = CASE WHEN alerts.status = 'firing' THEN alerts.starts_at ELSE now() END,
  last_notified_at = CASE WHEN alerts.status = 'firing' THEN alerts.last_notified_at END
RETURNING )SQL" TD_ALERT_COLUMNS R"SQL(,
  coalesce((SELECT status FROM old), '') <> 'firing',
  last_notified_at IS NULL OR last_notified_at <= now() - $5 * interval '1 millisecond')SQL"},
    // $1: fingerprints of the active alerts.
    {"td_alert_resolve", R"SQL(
UPDATE alerts SET status = 'resolved', ends_at = now(), updated_at = now()
 WHERE status = 'firing' AND NOT (fingerprint = ANY($1::text[]))
RETURNING )SQL" TD_ALERT_COLUMNS},
    {"td_alert_mark_notified", "UPDATE alerts SET last_notified_at = now() WHERE fingerprint = $1"},
    // $1: how long resolved alerts stay listed (seconds).
    {"td_alert_list", R"SQL(
SELECT )SQL" TD_ALERT_COLUMNS R"SQL( FROM alerts
 WHERE status = 'firing' OR (status = 'resolved' AND updated_at >= now() - $1 * interval '1 second')
 ORDER BY status = 'firing' DESC, updated_at DESC, fingerprint)SQL"},
};
const size_t kStateStatementCount = std::size(kStateStatements);

namespace {

using json = nlohmann::json;

std::string to_json(const Labels& m) { return json(m).dump(); }

Labels from_json(const std::string& text) {
  Labels out;
  const json parsed = json::parse(text);  // named: items() refers into it
  for (const auto& [k, v] : parsed.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

std::optional<Clock::time_point> time_or_null(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_epoch(f.as<double>());
}

AlertState from_row(const pqxx::row& r) {
  AlertState s;
  s.fingerprint = r[0].as<std::string>();
  s.alert = {r[1].as<std::string>(), from_json(r[2].as<std::string>()), from_json(r[3].as<std::string>())};
  s.status = r[4].as<std::string>();
  s.starts_at = from_epoch(r[5].as<double>());
  s.ends_at = time_or_null(r[6]);
  s.last_notified_at = time_or_null(r[7]);
  return s;
}

}  // namespace

Transitions apply(pqxx::transaction_base& tx, const std::vector<Alert>& active,
                  std::chrono::milliseconds repeat_interval) {
  Transitions out;
  std::vector<std::string> fingerprints;
  for (const auto& a : active) {
    auto fp = fingerprint(a);
    fingerprints.push_back(fp);
    auto r = tx.exec_prepared("td_alert_fire", fp, a.alertname, to_json(a.labels), to_json(a.annotations),
                              static_cast<int64_t>(repeat_interval.count()))[0];
    if (r[8].as<bool>()) out.fired.push_back(from_row(r));
    else if (r[9].as<bool>()) out.repeat_due.push_back(from_row(r));
  }
  for (const auto& r : tx.exec_prepared("td_alert_resolve", db::array_literal(fingerprints)))
    out.resolved.push_back(from_row(r));
  return out;
}

void mark_notified(pqxx::transaction_base& tx, const std::string& fingerprint) {
  tx.exec_prepared("td_alert_mark_notified", fingerprint);
}

std::vector<AlertState> list(pqxx::transaction_base& tx, std::chrono::seconds resolved_within) {
  std::vector<AlertState> out;
  for (const auto& r : tx.exec_prepared("td_alert_list", static_cast<int64_t>(resolved_within.count())))
    out.push_back(from_row(r));
  return out;
}

}  // namespace td::alerts
