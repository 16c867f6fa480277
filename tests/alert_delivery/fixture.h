// What the delivery tests share: a database of their own, a mock receiver,
// settings pointing at it with short intervals, and ways to make an alert
// hold (a stalled ingest queue) or stop holding.
#pragma once

#include <memory>
#include <string>

#include <pqxx/pqxx>

#include "alerts/runtime.h"
#include "alerts/settings.h"
#include "mock_webhook.h"
#include "support/helpers.h"
#include "support/pg.h"

namespace td::alerts::test {

struct DeliveryFixture {
  td::test::TestDatabase db{"alert_send"};
  std::unique_ptr<pqxx::connection> conn = td::test::migrated_connection(db.url());
  MockWebhook hook;

  // Fast everything: evaluated every 100 ms, retried after 50 ms.
  Settings settings(bool slack = false) const {
    Settings s;
    s.receivers.push_back({"webhook-1", Receiver::Format::alertmanager, hook.url("/am/s3cr3t-token")});
    if (slack) s.receivers.push_back({"slack", Receiver::Format::slack, hook.url("/slack/T0/B0/XYZ")});
    s.eval_interval = std::chrono::milliseconds(100);
    s.thresholds.queue_stall = std::chrono::seconds(60);
    s.send_timeout = std::chrono::seconds(2);
    s.retry_backoff = {std::chrono::milliseconds(50), std::chrono::milliseconds(400), 0.25};
    s.external_url = "http://nas.local:6452";
    return s;
  }

  RuntimeOptions options(const Settings& s) const { return {db.url(), "test", s, std::chrono::milliseconds(50)}; }

  void sql(const std::string& statement) {
    pqxx::work tx(*conn);
    tx.exec(statement);
    tx.commit();
  }
  int64_t number(const std::string& query) {
    pqxx::read_transaction tx(*conn);
    auto r = tx.exec1(query);
    return r[0].is_null() ? 0 : r[0].as<int64_t>();
  }
  // An ingest job that has waited an hour, with no ingest worker: QueueStalled{kind="ingest"}.
  void stall() {
    sql("INSERT INTO jobs (kind, status, run_at) VALUES ('ingest', 'queued', now() - interval '1 hour')");
  }
  // The stalled jobs cancelled: the alert resolves.
  void unstall() {
    sql("UPDATE jobs SET status = 'cancelled', finished_at = now() WHERE kind = 'ingest' AND status = 'queued'");
  }
  int64_t notify_jobs(const std::string& status) {
    return number("SELECT count(*) FROM jobs WHERE kind = 'alert-notify' AND status = '" + status + "'");
  }
};

}  // namespace td::alerts::test
