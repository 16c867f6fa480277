#include <doctest/doctest.h>

#include "alerts/fixture.h"

using namespace std::chrono_literals;
using td::alerts::Alert;
using td::alerts::test::Fixture;

namespace {

const Alert kStalled{"QueueStalled", {{"kind", "ingest"}}, {{"summary", "stalled"}}};

td::alerts::Transitions apply(pqxx::connection& c, const std::vector<Alert>& active,
                              std::chrono::milliseconds repeat = 4h, bool notify = true) {
  pqxx::work tx(c);
  auto out = td::alerts::apply(tx, active, repeat);
  if (notify)
    for (const auto* list : {&out.fired, &out.repeat_due, &out.resolved})
      for (const auto& a : *list) td::alerts::mark_notified(tx, a.fingerprint);
  tx.commit();
  return out;
}

}  // namespace

TEST_CASE("Fingerprint: stable, the labels' order does not matter, name and labels both count") {
  Alert a{"QueueStalled", {{"kind", "ingest"}, {"z", "1"}}, {{"summary", "x"}}};
  Alert b{"QueueStalled", {{"z", "1"}, {"kind", "ingest"}}, {{"summary", "other text"}}};
  CHECK(td::alerts::fingerprint(a) == td::alerts::fingerprint(b));
  CHECK(td::alerts::fingerprint(a).size() == 16);
  CHECK(td::alerts::fingerprint(a) != td::alerts::fingerprint({"JobsDead", a.labels, {}}));
  CHECK(td::alerts::fingerprint(a) != td::alerts::fingerprint({"QueueStalled", {{"kind", "tts"}, {"z", "1"}}, {}}));
  CHECK(td::alerts::fingerprint({"A", {{"k=v", ""}}, {}}) != td::alerts::fingerprint({"A", {{"k", "v"}}, {}}));
}

TEST_CASE_FIXTURE(Fixture, "Apply: the same input again is no new firing; a new process carries on from the table") {
  auto first = apply(*conn, {kStalled});
  REQUIRE(first.fired.size() == 1);
  CHECK(first.fired[0].alert.annotations.at("summary") == "stalled");
  CHECK_FALSE(first.fired[0].last_notified_at.has_value());
  auto again = apply(*conn, {kStalled});
  CHECK(again.fired.empty());
  CHECK(again.repeat_due.empty());
  CHECK(again.resolved.empty());

  // Another process (a restart, a new leader): same state, no re-fire;
  // annotations follow the rules, starts_at stays.
  auto other = td::alerts::test::connect(db.url());
  Alert changed = kStalled;
  changed.annotations["summary"] = "still stalled";
  auto there = apply(*other, {changed});
  CHECK(there.fired.empty());
  CHECK(there.repeat_due.empty());
  pqxx::read_transaction tx(*other);
  auto listed = td::alerts::list(tx, 1h);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].status == "firing");
  CHECK(listed[0].starts_at == first.fired[0].starts_at);
  CHECK(listed[0].last_notified_at.has_value());
  CHECK(listed[0].alert.annotations.at("summary") == "still stalled");
}

TEST_CASE_FIXTURE(Fixture, "Repeat: due once the repeat interval has passed since the last notification, not before") {
  auto fp = td::alerts::fingerprint(kStalled);
  REQUIRE(apply(*conn, {kStalled}).fired.size() == 1);
  sql("UPDATE alerts SET last_notified_at = now() - interval '3 hours 59 minutes'");
  CHECK(apply(*conn, {kStalled}).repeat_due.empty());
  sql("UPDATE alerts SET last_notified_at = now() - interval '4 hours 1 minute'");
  auto due = apply(*conn, {kStalled});
  CHECK(due.fired.empty());
  REQUIRE(due.repeat_due.size() == 1);
  CHECK(due.repeat_due[0].fingerprint == fp);
  // Marked notified by that apply: not due again until another interval.
  CHECK(apply(*conn, {kStalled}).repeat_due.empty());

  // A notification that was never handed on is not lost: due at the next apply.
  sql("UPDATE alerts SET last_notified_at = NULL");
  CHECK(apply(*conn, {kStalled}).repeat_due.size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "Resolve: once; firing again afterwards is a new incident with a new starts_at") {
  auto fired = apply(*conn, {kStalled});
  REQUIRE(fired.fired.size() == 1);
  sql("UPDATE alerts SET starts_at = now() - interval '1 hour'");
  auto resolved = apply(*conn, {});
  REQUIRE(resolved.resolved.size() == 1);
  CHECK(resolved.resolved[0].ends_at.has_value());
  CHECK(apply(*conn, {}).resolved.empty());
  {
    pqxx::read_transaction tx(*conn);
    CHECK(td::alerts::list(tx, 1h).size() == 1);  // recently resolved: still listed
  }
  sql("UPDATE alerts SET updated_at = now() - interval '2 hours'");
  {
    pqxx::read_transaction tx(*conn);
    CHECK(td::alerts::list(tx, 1h).empty());
  }

  auto again = apply(*conn, {kStalled});
  REQUIRE(again.fired.size() == 1);
  CHECK_FALSE(again.fired[0].ends_at.has_value());
  CHECK_FALSE(again.fired[0].last_notified_at.has_value());
  CHECK(again.fired[0].starts_at > resolved.resolved[0].starts_at);
}

TEST_CASE_FIXTURE(Fixture, "Apply: a transaction that rolls back changes nothing (the next evaluation sees it again)") {
  {
    pqxx::work tx(*conn);
    CHECK(td::alerts::apply(tx, {kStalled}, 4h).fired.size() == 1);
    // no commit: the evaluator crashed before handing the notification on
  }
  CHECK(apply(*conn, {kStalled}).fired.size() == 1);
}
