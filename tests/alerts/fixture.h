// What the alerts tests share: a migrated database of their own with the
// store's and the alerts library's statements prepared, and SQL helpers that
// put jobs and events where a test wants them in time (backdating rows
// instead of sleeping).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "alerts/rules.h"
#include "alerts/state.h"
#include "alerts/statements.h"
#include "support/helpers.h"
#include "support/pg.h"

namespace td::alerts::test {

inline std::unique_ptr<pqxx::connection> connect(const std::string& url) {
  auto c = td::test::migrated_connection(url);
  prepare(*c);
  return c;
}

struct Fixture {
  td::test::TestDatabase db{"alerts"};
  std::unique_ptr<pqxx::connection> conn = connect(db.url());

  void sql(const std::string& statement) {
    pqxx::work tx(*conn);
    tx.exec(statement);
    tx.commit();
  }
  // A job of `kind` in `status`, its run_at (and, when finished, its
  // finished_at) `ago` in the past, e.g. "11 minutes".
  int64_t job(const std::string& kind, const std::string& status, const std::string& ago,
              const std::string& last_error = "") {
    pqxx::work tx(*conn);
    bool finished = status == "done" || status == "dead" || status == "cancelled";
    auto r = tx.exec_params1(
        "INSERT INTO jobs (kind, status, run_at, finished_at, last_error) "
        "VALUES ($1, $2, now() - $3::interval, CASE WHEN $4 THEN now() - $3::interval END, nullif($5, '')) "
        "RETURNING id",
        kind, status, ago, finished, last_error);
    tx.commit();
    return r[0].as<int64_t>();
  }
  // A failed attempt's event as libs/stage writes it: http_status (a JSON
  // number) only when the failure came from an HTTP answer.
  void failure_event(const std::string& stage, const std::string& video_id, const std::string& error,
                     const std::string& type = "report-sync-error", std::optional<int> http_status = std::nullopt) {
    pqxx::work tx(*conn);
    tx.exec_params(
        "SELECT td_emit_event($1, $2, jsonb_build_object('stage', $3::text, 'reason', 'ytdlp_failed', "
        "'error', $4::text, 'video_id', $2::text) || "
        "CASE WHEN $5 = '' THEN '{}'::jsonb ELSE jsonb_build_object('http_status', $5::int) END)",
        type, video_id, stage, error, http_status ? std::to_string(*http_status) : std::string());
    tx.commit();
  }
  std::vector<Alert> evaluate(const Thresholds& t = {}) {
    pqxx::read_transaction tx(*conn);
    return alerts::evaluate(tx, t);
  }
  // One evaluation as the evaluator runs it: rules, apply, mark each
  // notification handed on, commit.
  Transitions step(std::chrono::milliseconds repeat = std::chrono::hours(4), const Thresholds& t = {}) {
    pqxx::work tx(*conn);
    auto out = apply(tx, alerts::evaluate(tx, t), repeat);
    for (const auto* list : {&out.fired, &out.repeat_due, &out.resolved})
      for (const auto& a : *list) mark_notified(tx, a.fingerprint);
    tx.commit();
    return out;
  }
  std::vector<std::string> names(const std::vector<Alert>& alerts) {
    std::vector<std::string> out;
    for (const auto& a : alerts) {
      std::string n = a.alertname + "{";
      for (const auto& [k, v] : a.labels) n += k + "=" + v + ",";
      out.push_back(n + "}");
    }
    return out;
  }
};

}  // namespace td::alerts::test
