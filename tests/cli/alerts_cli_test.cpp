// `tubedigest alerts`: the table (firing first, then resolved, and who
// evaluates), and --json, which is what GET /api/alerts answers.
#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "alerts/leader.h"
#include "alerts/state.h"
#include "cli/seed.h"
#include "support/helpers.h"
#include "support/pg.h"

using namespace td::cli_test;

namespace {

const td::alerts::Alert kStalled{
    "QueueStalled", {{"kind", "ingest"}}, {{"summary", "jobs of kind ingest are waiting and none finished for 600s"}}};
const td::alerts::Alert kDead{"JobsDead", {{"kind", "tts"}}, {{"summary", "1 job(s) of kind tts went dead"}}};

}  // namespace

TEST_CASE("AlertsCommand: a table with firing alerts first, resolved ones after, and the evaluator") {
  td::test::TestDatabase db("cli_alerts");
  auto conn = td::test::migrated_connection(db.url());

  auto none = run_cli({"alerts", "--database-url", db.url()});
  REQUIRE(none.ok());
  CHECK(none.out == "no alerts firing or resolved lately\n\nno evaluator running\n");

  {
    pqxx::work tx(*conn);
    td::alerts::apply(tx, {kDead, kStalled}, std::chrono::hours(1));
    tx.commit();
  }
  {
    pqxx::work tx(*conn);
    td::alerts::apply(tx, {kStalled}, std::chrono::hours(1));
    // Started 15 minutes ago, so SINCE reads 15m.
    tx.exec("UPDATE alerts SET starts_at = now() - interval '15 minutes' WHERE status = 'firing'");
    CHECK(td::alerts::LeaderLease(td::alerts::kEvaluatorLease, "summarize@host:7", std::chrono::seconds(60))
              .try_acquire(tx));
    tx.commit();
  }
  auto r = run_cli({"alerts", "--database-url", db.url()});
  REQUIRE(r.ok());
  INFO(r.out);
  const auto header = r.out.find("STATUS    ALERT                      SINCE   SUMMARY\n");
  const auto firing = r.out.find(
      "firing    QueueStalled{kind=ingest}  15m     jobs of kind ingest are waiting and none finished for 600s\n");
  const auto resolved = r.out.find("resolved  JobsDead{kind=tts}         ");
  CHECK(header == 0);
  REQUIRE(firing != std::string::npos);
  REQUIRE(resolved != std::string::npos);
  CHECK(firing < resolved);
  CHECK(r.out.find("1 job(s) of kind tts went dead\n", resolved) != std::string::npos);
  CHECK(r.out.find("\nevaluated by summarize@host:7\n") != std::string::npos);

  // Resolved two hours ago: gone with --resolved-within 1h.
  {
    pqxx::work tx(*conn);
    tx.exec("UPDATE alerts SET updated_at = now() - interval '2 hours' WHERE status = 'resolved'");
    tx.commit();
  }
  auto recent = run_cli({"alerts", "--resolved-within", "1h", "--database-url", db.url()});
  REQUIRE(recent.ok());
  CHECK(recent.out.find("JobsDead") == std::string::npos);
  CHECK(recent.out.find("QueueStalled{kind=ingest}") != std::string::npos);

  auto bad = run_cli({"alerts", "--resolved-within", "soon", "--database-url", db.url()});
  CHECK_FALSE(bad.ok());
  CHECK(bad.err.find("--resolved-within") != std::string::npos);
}

TEST_CASE("AlertsCommand: --json prints the objects of GET /api/alerts") {
  td::test::TestDatabase db("cli_alerts_json");
  auto conn = td::test::migrated_connection(db.url());
  {
    pqxx::work tx(*conn);
    td::alerts::apply(tx, {kDead, kStalled}, std::chrono::hours(1));
    tx.commit();
  }
  {
    pqxx::work tx(*conn);
    td::alerts::apply(tx, {kStalled}, std::chrono::hours(1));
    td::alerts::mark_notified(tx, td::alerts::fingerprint(kStalled));
    tx.commit();
  }
  auto r = run_cli({"alerts", "--json", "--database-url", db.url()});
  REQUIRE(r.ok());
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["firing"] == 1);
  CHECK(j["evaluator"].is_null());
  CHECK(j["generated_at"].is_string());
  REQUIRE(j["alerts"].size() == 2);
  CHECK(j["alerts"][0]["fingerprint"] == td::alerts::fingerprint(kStalled));
  CHECK(j["alerts"][0]["alertname"] == "QueueStalled");
  CHECK(j["alerts"][0]["labels"] == nlohmann::json({{"kind", "ingest"}}));
  CHECK(j["alerts"][0]["annotations"]["summary"] == "jobs of kind ingest are waiting and none finished for 600s");
  CHECK(j["alerts"][0]["status"] == "firing");
  CHECK(j["alerts"][0]["ends_at"].is_null());
  CHECK(j["alerts"][0]["last_notified_at"].is_string());
  CHECK(j["alerts"][1]["alertname"] == "JobsDead");
  CHECK(j["alerts"][1]["status"] == "resolved");
  CHECK(j["alerts"][1]["ends_at"].is_string());
  CHECK(j["alerts"][1]["last_notified_at"].is_null());
  // Exactly these keys, as the API's.
  std::set<std::string> keys;
  for (const auto& [k, _] : j["alerts"][0].items()) keys.insert(k);
  CHECK(keys == std::set<std::string>{"fingerprint", "alertname", "labels", "annotations", "status", "starts_at",
                                      "ends_at", "last_notified_at"});
}
