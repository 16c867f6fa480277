#include <doctest/doctest.h>

#include <thread>

#include "metrics/metrics.h"
#include "support/helpers.h"
#include "support/pg.h"

TEST_CASE("Counters are exact with 4 concurrent writers and roll back with their transaction") {
  td::test::TestDatabase db("metrics");
  auto conn = td::test::migrated_connection(db.url());
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&] {
      pqxx::connection c(db.url());
      td::metrics::prepare(c);
      for (int i = 0; i < 500; ++i) {
        pqxx::work tx(c);
        td::metrics::increment(tx, "jobs_done");
        td::metrics::increment(tx, "bytes", 10);
        td::metrics::observe(tx, "latency", 0.003 * (i % 100));
        tx.commit();
      }
      pqxx::work tx(c);
      td::metrics::increment(tx, "jobs_done", 1000);
      tx.abort();  // never counted
    });
  }
  for (auto& t : writers) t.join();
  pqxx::read_transaction tx(*conn);
  auto s = td::metrics::snapshot(tx);
  CHECK(s.counter("jobs_done") == 2000);
  CHECK(s.counter("bytes") == 20000);
  CHECK(s.counter("missing") == 0);
  auto& h = s.histograms.at("latency");
  CHECK(h.count == 2000);
  CHECK(h.max == doctest::Approx(0.297));
  CHECK(h.sum == doctest::Approx(4 * 5 * 0.003 * 4950).epsilon(0.001));
  // Values are spread evenly over 0..0.297 s: the median falls near 0.15.
  CHECK(h.quantile(0.5) > 0.09);
  CHECK(h.quantile(0.5) < 0.26);
  CHECK(h.quantile(1.0) == doctest::Approx(0.297));
}

TEST_CASE("Gauges sum over live owners and forget expired ones") {
  td::test::TestDatabase db("gauges");
  auto conn = td::test::migrated_connection(db.url());
  pqxx::work tx(*conn);
  td::metrics::set_gauge(tx, "sse_clients_current", "gw-1", 3, std::chrono::seconds(60));
  td::metrics::set_gauge(tx, "sse_clients_current", "gw-2", 4, std::chrono::seconds(60));
  td::metrics::set_gauge(tx, "sse_clients_current", "gw-1", 5, std::chrono::seconds(60));
  td::metrics::set_gauge(tx, "sse_clients_current", "gw-dead", 100, std::chrono::seconds(0));
  tx.commit();
  pqxx::read_transaction rt(*conn);
  CHECK(td::metrics::snapshot(rt).gauges.at("sse_clients_current") == 9);
}
