// Alerts from evaluation to the receiver, in-process: the Runtime every
// service runs (evaluator loop + sender) against a real PostgreSQL, sending
// real HTTP to a mock receiver on loopback.
#include <regex>
#include <thread>

#include <doctest/doctest.h>

#include "alerts/runtime.h"
#include "fixture.h"
#include "metrics/metrics.h"

using namespace std::chrono_literals;
using td::alerts::Runtime;
using td::alerts::test::DeliveryFixture;
using td::alerts::test::Received;
using td::test::eventually;

namespace {

// Notifications about QueueStalled only (a dead notification job also fires
// JobsDead{kind="alert-notify"}, which is sent too).
std::vector<Received> stalled(const std::vector<Received>& rs) {
  std::vector<Received> out;
  for (const auto& r : rs)
    if (r.body.is_object() &&
        r.body.value("commonLabels", nlohmann::json::object()).value("alertname", "") == "QueueStalled")
      out.push_back(r);
  return out;
}

std::vector<std::string> statuses(const std::vector<Received>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.body.is_object() && r.body.contains("status") ? r.body["status"] : "?");
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(DeliveryFixture, "Delivery: a stalled kind fires once and resolves once, to both receiver shapes") {
  Runtime rt(options(settings(/*slack=*/true)));
  rt.start();
  stall();
  REQUIRE(hook.wait_for(1, 10s, "/am/s3cr3t-token"));
  REQUIRE(hook.wait_for(1, 10s, "/slack/T0/B0/XYZ"));
  std::this_thread::sleep_for(1s);  // ten more rounds: nothing new
  REQUIRE(hook.received().size() == 2);

  auto am = hook.received("/am/s3cr3t-token")[0];
  CHECK(am.content_type == "application/json");
  const auto& b = am.body;
  REQUIRE(b.is_object());
  CHECK(b["version"] == "4");
  CHECK(b["status"] == "firing");
  CHECK(b["receiver"] == "tubedigest");
  CHECK(b["externalURL"] == "http://nas.local:6452");
  CHECK(b["groupKey"] == "{}:{alertname=\"QueueStalled\", kind=\"ingest\"}");
  CHECK(b["groupLabels"] == nlohmann::json({{"alertname", "QueueStalled"}, {"kind", "ingest"}}));
  CHECK(b["commonLabels"] == b["groupLabels"]);
  CHECK(b["commonAnnotations"]["summary"].get<std::string>().find("ingest") != std::string::npos);
  CHECK(b["truncatedAlerts"] == 0);
  REQUIRE(b["alerts"].size() == 1);
  const auto& a = b["alerts"][0];
  CHECK(a["status"] == "firing");
  CHECK(a["labels"] == b["groupLabels"]);
  CHECK(a["annotations"]["waiting"] == "1");
  CHECK(std::regex_match(a["startsAt"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));
  CHECK(a["endsAt"] == "0001-01-01T00:00:00Z");
  CHECK(a["generatorURL"] == "http://nas.local:6452/api/alerts");
  CHECK(std::regex_match(a["fingerprint"].get<std::string>(), std::regex("[0-9a-f]{16}")));
  const std::string fingerprint = a["fingerprint"];

  auto slack = hook.received("/slack/T0/B0/XYZ")[0].body;
  REQUIRE(slack.is_object());
  const std::string text = slack["text"];
  CHECK(text.rfind("[FIRING] QueueStalled kind=ingest: jobs of kind ingest are waiting", 0) == 0);
  CHECK(text.find('\n') == std::string::npos);
  REQUIRE(slack["blocks"].is_array());
  CHECK(slack["blocks"][0]["type"] == "section");
  CHECK(slack["blocks"][0]["text"]["type"] == "mrkdwn");
  CHECK(slack["blocks"].back()["type"] == "context");

  CHECK(number("SELECT count(*) FROM events WHERE type = 'alert-firing' AND data->>'fingerprint' = '" + fingerprint +
               "' AND video_id IS NULL") == 1);

  unstall();
  REQUIRE(hook.wait_for(2, 10s, "/am/s3cr3t-token"));
  REQUIRE(hook.wait_for(2, 10s, "/slack/T0/B0/XYZ"));
  std::this_thread::sleep_for(1s);
  CHECK(hook.received().size() == 4);
  auto resolved = hook.received("/am/s3cr3t-token")[1].body;
  CHECK(resolved["status"] == "resolved");
  CHECK(resolved["groupKey"] == b["groupKey"]);
  CHECK(resolved["alerts"][0]["fingerprint"] == fingerprint);
  CHECK(resolved["alerts"][0]["startsAt"] == a["startsAt"]);
  CHECK(resolved["alerts"][0]["endsAt"] != "0001-01-01T00:00:00Z");
  CHECK(hook.received("/slack/T0/B0/XYZ")[1].body["text"].get<std::string>().rfind("[RESOLVED] QueueStalled", 0) == 0);
  CHECK(number("SELECT count(*) FROM events WHERE type = 'alert-resolved'") == 1);
  CHECK(notify_jobs("done") == 4);
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'alert-notify' AND payload::text LIKE '%s3cr3t%'") == 0);
  rt.stop();
}

TEST_CASE_FIXTURE(DeliveryFixture, "Delivery: a firing alert is sent again every repeat interval, not more often") {
  auto s = settings();
  s.repeat_interval = 1s;
  Runtime rt(options(s));
  rt.start();
  stall();
  REQUIRE(hook.wait_for(3, 10s));
  auto rs = hook.received();
  for (size_t i = 1; i < rs.size(); ++i) {
    CHECK(rs[i].at - rs[i - 1].at >= 800ms);
    CHECK(rs[i].body["alerts"][0]["startsAt"] == rs[0].body["alerts"][0]["startsAt"]);  // the same incident
  }
  CHECK(statuses(rs) == std::vector<std::string>(rs.size(), "firing"));
  CHECK(number("SELECT count(*) FROM events WHERE type = 'alert-firing'") == 1);  // a repeat is no new event
  rt.stop();
}

TEST_CASE_FIXTURE(DeliveryFixture, "Delivery: a 4xx other than 429 is not retried; 429 and 5xx are") {
  hook.answer([](const std::string&, int) { return 400; });
  Runtime rt(options(settings()));
  rt.start();
  stall();
  REQUIRE(eventually([&] { return notify_jobs("dead") >= 1; }, 10s));
  std::this_thread::sleep_for(500ms);
  CHECK(stalled(hook.received()).size() == 1);
  CHECK(number("SELECT max(attempts) FROM jobs WHERE kind = 'alert-notify'") == 1);
  pqxx::read_transaction tx(*conn);
  auto row = tx.exec1("SELECT reason, last_error FROM jobs WHERE kind = 'alert-notify' ORDER BY id LIMIT 1");
  CHECK(row[0].as<std::string>() == "alert_rejected");
  const std::string error = row[1].as<std::string>();
  CHECK(error.find("HTTP 400 from webhook-1 (http://127.0.0.1:" + std::to_string(hook.port()) + "/…)") !=
        std::string::npos);
  CHECK(error.find("s3cr3t") == std::string::npos);
  tx.commit();

  // The rejected notification went dead, so JobsDead{kind="alert-notify"}
  // fired too, and its notification was refused in turn (once: it is one
  // alert, however many notifications die while it fires).
  REQUIRE(eventually([&] { return notify_jobs("dead") == 2; }, 10s));
  std::this_thread::sleep_for(500ms);
  CHECK(hook.received().size() == 2);

  // 429 twice, then 200: the resolve is retried and delivered.
  hook.answer([](const std::string&, int nth) { return nth <= 4 ? 429 : 200; });  // requests 3 and 4: 429
  unstall();
  REQUIRE(eventually([&] { return notify_jobs("done") == 1; }, 10s));
  CHECK(hook.received().size() == 5);
  CHECK(number("SELECT attempts FROM jobs WHERE kind = 'alert-notify' AND status = 'done'") == 3);
  CHECK(stalled(hook.received()).back().body["status"] == "resolved");
  rt.stop();
}

TEST_CASE_FIXTURE(DeliveryFixture,
                  "Delivery: a receiver that is down for a while gets everything, in order, when back") {
  hook.down();
  Runtime rt(options(settings()));
  rt.start();
  stall();
  REQUIRE(eventually([&] { return number("SELECT max(attempts) FROM jobs WHERE kind = 'alert-notify'") >= 2; }, 10s));
  unstall();  // resolved while the firing notification still waits
  REQUIRE(eventually([&] { return notify_jobs("queued") + notify_jobs("failed") == 2; }, 10s));
  std::this_thread::sleep_for(300ms);
  hook.up();
  REQUIRE(hook.wait_for(2, 15s));
  std::this_thread::sleep_for(500ms);
  CHECK(statuses(hook.received()) == std::vector<std::string>{"firing", "resolved"});
  CHECK(notify_jobs("done") == 2);
  rt.stop();
}

TEST_CASE_FIXTURE(DeliveryFixture,
                  "Delivery: a notification that never gets through is dead after ALERT_SEND_ATTEMPTS") {
  hook.answer([](const std::string&, int) { return 503; });
  auto s = settings();
  s.send_attempts = 3;
  Runtime rt(options(s));
  rt.start();
  stall();
  REQUIRE(eventually([&] { return notify_jobs("dead") >= 1; }, 10s));
  CHECK(stalled(hook.received()).size() == 3);
  CHECK(number("SELECT count(*) FROM jobs WHERE kind = 'alert-notify' AND reason = 'alert_send_failed'") == 1);
  auto sent = [&](const char* result) {
    return td::test::counter(
        *conn, td::metrics::labelled_name("alert_notifications", {{"receiver", "webhook-1"}, {"result", result}}));
  };
  // The first notification job (QueueStalled's) used its three attempts.
  CHECK(number("SELECT attempts FROM jobs WHERE kind = 'alert-notify' ORDER BY id LIMIT 1") == 3);
  CHECK(sent("dead") >= 1);
  CHECK(sent("failed") >= 2);
  rt.stop();
}

TEST_CASE_FIXTURE(DeliveryFixture, "Delivery: three evaluators on one database notify each transition exactly once") {
  auto s = settings();
  std::vector<std::unique_ptr<Runtime>> rts;
  for (int i = 0; i < 3; ++i) {
    auto o = options(s);
    o.process = "p" + std::to_string(i);
    rts.push_back(std::make_unique<Runtime>(o));
    rts.back()->start();
  }
  for (int round = 1; round <= 4; ++round) {
    stall();
    REQUIRE(hook.wait_for(2 * round - 1, 10s));
    unstall();
    REQUIRE(hook.wait_for(2 * round, 10s));
  }
  std::this_thread::sleep_for(1s);
  CHECK(statuses(hook.received()) == std::vector<std::string>{"firing", "resolved", "firing", "resolved", "firing",
                                                              "resolved", "firing", "resolved"});
  CHECK(number("SELECT count(*) FROM events WHERE type LIKE 'alert-%'") == 8);
  for (auto& rt : rts) rt->stop();
  CHECK(number("SELECT count(*) FROM leader_leases") == 0);  // a clean stop gives the lease up
}
