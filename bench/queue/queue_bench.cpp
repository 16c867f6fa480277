// queue_bench: throughput and wakeup latency of the Postgres job queue.
//
//   queue_bench --database-url URL [--jobs N] [--runs R] [--batch B] [--finished M] [--json]
//
// Migrates the database if needed, then measures, each figure the median of
// R runs:
//   - enqueue: N jobs in transactions of 1,000 (enqueue_many), one connection;
//   - drain: N jobs enqueued beforehand, drained by the worker runtime with a
//     no-op handler, 1/2/4 slot threads, one job per claim and B per claim;
//   - wakeup: enqueue committed -> handler start for an idle worker sleeping
//     on LISTEN with a 30 s poll interval (so only NOTIFY can wake it), >= 200
//     samples; also from the start of the enqueue call, which adds the
//     enqueue's own durable commit (one fsync of the disk);
//   - with --finished M: M done jobs are inserted first (as a day of history
//     would leave), and the best batched drain is measured again beside them.
// Each run uses a kind of its own and deletes its jobs afterwards; the M
// finished rows are deleted at the end.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include <unistd.h>
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "db/migrate.h"
#include "queue/queue.h"
#include "worker/worker.h"

using namespace std::chrono;
using td::queue::Queue;

namespace {

std::string url;
int run_counter = 0;

std::string fresh_kind() { return "bench_" + std::to_string(getpid()) + "_" + std::to_string(run_counter++); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * (v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

void enqueue_n(pqxx::connection& c, const std::string& kind, int n) {
  Queue q;
  for (int at = 0; at < n; at += 1000) {
    std::vector<td::queue::NewJob> batch(std::min(1000, n - at), {kind, "{}", {}});
    pqxx::work tx(c);
    q.enqueue_many(tx, batch);
    tx.commit();
  }
}

void cleanup(pqxx::connection& c, const std::string& kind) {
  pqxx::work tx(c);
  tx.exec_params("DELETE FROM jobs WHERE kind = $1", kind);
  tx.commit();
}

double measure_enqueue(pqxx::connection& c, int n) {
  auto kind = fresh_kind();
  auto t0 = steady_clock::now();
  enqueue_n(c, kind, n);
  double secs = duration<double>(steady_clock::now() - t0).count();
  cleanup(c, kind);
  return n / secs;
}

bool pending(pqxx::connection& c, const std::string& kind) {
  pqxx::read_transaction tx(c);
  // Both partial indexes: cheap however many finished rows there are.
  return tx
      .exec_params(
          "SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND status IN ('queued', 'failed')) OR "
          "EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND status = 'running')",
          kind)[0][0]
      .as<bool>();
}

double measure_drain(pqxx::connection& c, int n, int threads, int batch) {
  auto kind = fresh_kind();
  enqueue_n(c, kind, n);
  {
    pqxx::nontransaction tx(c);
    tx.exec("ANALYZE jobs");
  }
  std::atomic<int> handled{0};
  td::worker::Options o;
  o.database_url = url;
  o.kinds = {kind};
  o.concurrency = threads;
  o.batch_size = batch;
  o.maintenance_interval = milliseconds(0);
  td::worker::Worker w(o, [&](td::worker::JobContext&) { handled.fetch_add(1, std::memory_order_relaxed); });
  auto t0 = steady_clock::now();
  std::thread t([&] { w.run(); });
  while (handled.load() < n) std::this_thread::sleep_for(microseconds(500));
  while (pending(c, kind)) std::this_thread::sleep_for(microseconds(500));
  double secs = duration<double>(steady_clock::now() - t0).count();
  w.stop();
  t.join();
  cleanup(c, kind);
  return n / secs;
}

struct Wakeups {
  std::vector<double> from_commit;  // the enqueue committed -> the handler started
  std::vector<double> from_call;    // the enqueue began -> the handler started (adds the enqueue's own durable commit)
};

Wakeups measure_wakeups(pqxx::connection& c, int samples) {
  auto kind = fresh_kind();
  std::atomic<int64_t> started_ns{0};
  td::worker::Options o;
  o.database_url = url;
  o.kinds = {kind};
  o.concurrency = 1;
  o.poll_interval = seconds(30);
  o.maintenance_interval = milliseconds(0);
  td::worker::Worker w(o, [&](td::worker::JobContext&) {
    started_ns = duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
  });
  std::thread t([&] { w.run(); });
  while (!w.ready()) std::this_thread::sleep_for(milliseconds(10));
  Queue q;
  Wakeups out;
  auto ns = [](steady_clock::time_point t) { return duration_cast<nanoseconds>(t.time_since_epoch()).count(); };
  for (int i = 0; i < samples; ++i) {
    std::this_thread::sleep_for(milliseconds(3));  // the worker is back asleep
    started_ns = 0;
    auto t0 = steady_clock::now();
    pqxx::work tx(c);
    q.enqueue(tx, {kind, "{}", {}});
    tx.commit();
    auto t1 = steady_clock::now();
    while (started_ns.load() == 0) std::this_thread::yield();
    out.from_commit.push_back((started_ns.load() - ns(t1)) / 1e6);
    out.from_call.push_back((started_ns.load() - ns(t0)) / 1e6);
  }
  w.stop();
  t.join();
  cleanup(c, kind);
  return out;
}

void insert_finished(pqxx::connection& c, int m) {
  pqxx::work tx(c);
  tx.exec_params(
      "INSERT INTO jobs (kind, payload, status, attempts, started_at, finished_at, lease_owner) "
      "SELECT 'bench_finished', '{}', 'done', 1, now(), now(), 'bench' FROM generate_series(1, $1)",
      m);
  tx.commit();
  pqxx::nontransaction nt(c);
  nt.exec("VACUUM ANALYZE jobs");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured
  td::log::init("queue_bench");
  spdlog::set_level(spdlog::level::warn);
  cxxopts::Options opts("queue_bench", "Throughput and wakeup latency of the tubedigest job queue");
  opts.add_options()("database-url", "PostgreSQL URL", cxxopts::value<std::string>()->default_value(""))(
      "jobs", "jobs per drain/enqueue run", cxxopts::value<int>()->default_value("50000"))(
      "runs", "runs per figure (the median is printed)", cxxopts::value<int>()->default_value("3"))(
      "batch", "jobs per claim in the batched configuration", cxxopts::value<int>()->default_value("100"))(
      "samples", "wakeup samples", cxxopts::value<int>()->default_value("300"))(
      "finished", "also drain beside this many finished jobs (0: skip)", cxxopts::value<int>()->default_value("0"))(
      "json", "print a JSON summary as the last line")("h,help", "help");
  auto r = opts.parse(argc, argv);
  if (r.count("help")) {
    std::printf("%s", opts.help().c_str());
    return 0;
  }
  url = r["database-url"].as<std::string>();
  int n = r["jobs"].as<int>(), runs = r["runs"].as<int>(), batch = r["batch"].as<int>();
  pqxx::connection c(url);
  td::db::migrate(c);
  Queue::prepare(c);

  std::vector<double> enq;
  for (int i = 0; i < runs; ++i) enq.push_back(measure_enqueue(c, n));
  std::printf("%-44s %12s\n", "measure", "median");
  std::printf("%-44s %12.0f jobs/s\n", "enqueue (batches of 1000)", median(enq));

  nlohmann::json drains = nlohmann::json::array();
  double best_single = 0, best_batched = 0;
  int best_threads = 1;
  for (int b : {1, batch}) {
    for (int threads : {1, 2, 4}) {
      std::vector<double> rates;
      for (int i = 0; i < runs; ++i) rates.push_back(measure_drain(c, n, threads, b));
      double m = median(rates);
      char label[64];
      std::snprintf(label, sizeof label, "drain, %d thread(s), %d job(s) per claim", threads, b);
      std::printf("%-44s %12.0f jobs/s\n", label, m);
      drains.push_back({{"threads", threads}, {"batch", b}, {"jobs_per_s", m}});
      if (b == 1) best_single = std::max(best_single, m);
      else if (m > best_batched) best_batched = m, best_threads = threads;
    }
  }
  auto wakeups = measure_wakeups(c, r["samples"].as<int>());
  auto& wake = wakeups.from_commit;
  double p50 = percentile(wake, 0.5), p95 = percentile(wake, 0.95), p99 = percentile(wake, 0.99);
  std::printf("%-44s %6.2f / %.2f / %.2f ms (%zu samples)\n", "wakeup commit->start p50 / p95 / p99", p50, p95, p99,
              wake.size());
  auto& call = wakeups.from_call;
  std::printf("%-44s %6.2f / %.2f / %.2f ms (adds the enqueue's own fsync)\n", "  enqueue call->start p50 / p95 / p99",
              percentile(call, 0.5), percentile(call, 0.95), percentile(call, 0.99));

  nlohmann::json out = {
      {"jobs", n},
      {"runs", runs},
      {"enqueue_per_s", median(enq)},
      {"drain_single_per_s", best_single},
      {"drain_batched_per_s", best_batched},
      {"drain", drains},
      {"wakeup_ms", {{"p50", p50}, {"p95", p95}, {"p99", p99}, {"samples", wake.size()}}},
      {"wakeup_from_enqueue_call_ms",
       {{"p50", percentile(call, 0.5)}, {"p95", percentile(call, 0.95)}, {"p99", percentile(call, 0.99)}}}};
  if (int m = r["finished"].as<int>(); m > 0) {
    insert_finished(c, m);
    std::vector<double> rates;
    for (int i = 0; i < runs; ++i) rates.push_back(measure_drain(c, n, best_threads, batch));
    char label[80];
    std::snprintf(label, sizeof label, "drain beside %d finished, %d thr, %d/claim", m, best_threads, batch);
    std::printf("%-44s %12.0f jobs/s\n", label, median(rates));
    out["drain_batched_with_finished_per_s"] = median(rates);
    out["finished_rows"] = m;
    pqxx::work tx(c);
    tx.exec("DELETE FROM jobs WHERE kind = 'bench_finished'");
    tx.commit();
  }
  if (r.count("json")) std::printf("%s\n", out.dump().c_str());
  return 0;
}
