// td_test_worker: a real worker process for tests (kill -9, races).
// Each run of a job inserts a row into test_runs(job_id, worker, started_at),
// then, on its first attempt only, sleeps payload.sleep_ms; then completes.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <cxxopts.hpp>

#include "common/log.h"
#include "common/signals.h"
#include "worker/worker.h"

int main(int argc, char** argv) {
  td::log::init("test-worker");
  cxxopts::Options o("td_test_worker", "worker process for tests");
  o.add_options()("database-url", "", cxxopts::value<std::string>())("kind", "", cxxopts::value<std::string>())(
      "lease-ms", "", cxxopts::value<int>()->default_value("60000"))("concurrency", "",
                                                                     cxxopts::value<int>()->default_value("1"));
  auto r = o.parse(argc, argv);
  td::block_termination_signals();
  td::worker::Options opt;
  opt.database_url = r["database-url"].as<std::string>();
  opt.kinds = {r["kind"].as<std::string>()};
  opt.concurrency = r["concurrency"].as<int>();
  opt.lease = std::chrono::milliseconds(r["lease-ms"].as<int>());
  opt.heartbeat_interval = opt.lease / 3;
  opt.poll_interval = std::chrono::milliseconds(200);
  opt.maintenance_interval = std::chrono::milliseconds(0);
  opt.shutdown_deadline = std::chrono::seconds(5);
  opt.prepare = [](pqxx::connection_base& c) {
    td::worker::prepare_runtime_statements(c);
    c.prepare("test_run_insert", "INSERT INTO test_runs (job_id, worker) VALUES ($1, $2)");
  };
  td::worker::Worker w(opt, [](td::worker::JobContext& ctx) {
    {
      pqxx::work tx(ctx.conn());
      tx.exec_prepared("test_run_insert", ctx.job().id, ctx.worker_id());
      tx.commit();
    }
    int sleep_ms = ctx.job().attempt == 1 ? ctx.payload().value("sleep_ms", 0) : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
  });
  td::on_termination_signal([&](int) { w.stop(); });
  return w.run() ? 0 : 3;
}
