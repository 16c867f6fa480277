#include "db_mode.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>
#include <unordered_map>

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "client_fleet.h"
#include "db/connection.h"
#include "db/migrate.h"
#include "events/outbox.h"
#include "events/types.h"
#include "gateway/gateway.h"
#include "sse/broker.h"

namespace td::bench {

namespace {

using namespace std::chrono;
using Row = std::map<std::string, double>;

double pct(std::vector<double> v, double p) { return percentile(v, p); }

double ms_since(int64_t t0) { return static_cast<double>(now_ns() - t0) / 1e6; }

// GET /healthz and GET /api/metrics every 50 ms until stopped, one keep-alive
// connection each; latencies in ms, failures (no answer or not 200) counted.
struct Prober {
  std::vector<double> healthz, metrics;
  size_t failures = 0;
  std::atomic<bool> stop{false};
  std::thread th;

  void start(int port) {
    th = std::thread([this, port] {
      httplib::Client h("127.0.0.1", port), m("127.0.0.1", port);
      for (auto* c : {&h, &m}) {
        c->set_keep_alive(true);
        c->set_read_timeout(10, 0);
      }
      while (!stop) {
        int64_t t0 = now_ns();
        auto r = h.Get("/healthz");
        if (r && r->status == 200) healthz.push_back(ms_since(t0));
        else failures++;
        t0 = now_ns();
        r = m.Get("/api/metrics");
        if (r && r->status == 200) metrics.push_back(ms_since(t0));
        else failures++;
        std::this_thread::sleep_for(milliseconds(50));
      }
    });
  }
  void finish() {
    stop = true;
    if (th.joinable()) th.join();
  }
};

struct Emitted {
  int64_t id = 0;
  int64_t t_commit = 0;  // steady ns right after COMMIT returned
  double commit_ms = 0;  // emit() + COMMIT
};

// K events, each in its own transaction, paced at `rate`.
std::vector<Emitted> emit_events(const std::string& url, size_t k, double rate) {
  auto conn = db::connect(url);
  events::prepare(*conn);
  std::vector<Emitted> out;
  out.reserve(k);
  const auto gap = duration_cast<steady_clock::duration>(duration<double>(1.0 / rate));
  auto next = steady_clock::now();
  for (size_t i = 1; i <= k; ++i) {
    const int64_t t0 = now_ns();
    pqxx::work tx(*conn);
    // Seven videos, so a batch window merges some events per (video, type).
    const int64_t id = events::emit(tx, events::type::report_updated, "yt:ssebench00" + std::to_string(i % 7),
                                    {{"variant", "bullet-points"}, {"revision", 1}, {"seq", i}});
    tx.commit();
    const int64_t t1 = now_ns();
    out.push_back({id, t1, static_cast<double>(t1 - t0) / 1e6});
    next += gap;
    std::this_thread::sleep_until(next);
  }
  return out;
}

Row run_case(const DbBenchOptions& opt, size_t n, bool batch) {
  gateway::Options go = gateway::Options::from_env();
  go.database_url = opt.database_url;
  go.instance_id = "sse-bench-" + std::to_string(::getpid());
  go.sse.max_clients = std::max(go.sse.max_clients, n);

  Row r;
  auto gw = std::make_unique<gateway::Gateway>(go);
  const int port = gw->bind("127.0.0.1", 0);
  gw->start();
  const long rss0 = status_field("VmRSS:");

  const int64_t t_conn = now_ns();
  ClientFleet fleet(port, std::string("/api/report-events?batch=") + (batch ? "1" : "0"));
  fleet.connect(n);
  while ((fleet.heads_ok() < n || gw->broker().counters().clients_current < n) && ms_since(t_conn) < 60000)
    std::this_thread::sleep_for(milliseconds(10));
  r["connected"] = static_cast<double>(fleet.heads_ok());
  r["connect_s"] = ms_since(t_conn) / 1000.0;
  std::this_thread::sleep_for(milliseconds(200));
  r["threads"] = static_cast<double>(status_field("Threads:"));
  r["kib_per_stream"] = n ? static_cast<double>(status_field("VmRSS:") - rss0) / static_cast<double>(n) : 0;

  Prober probe;
  probe.start(port);
  const auto emitted = emit_events(opt.database_url, opt.events, opt.rate);
  const uint64_t want = static_cast<uint64_t>(n) * emitted.size();
  const int64_t t_last = now_ns();
  while (fleet.received() < want && ms_since(t_last) < 30000) std::this_thread::sleep_for(milliseconds(5));
  r["drain_ms"] = ms_since(t_last);
  probe.finish();
  fleet.stop_reading();

  const auto counters = gw->broker().counters();
  const int64_t t_stop = now_ns();
  gw->stop();
  r["stop_ms"] = ms_since(t_stop);
  gw.reset();

  std::unordered_map<int64_t, int64_t> committed;
  for (const auto& e : emitted) committed[e.id] = e.t_commit;
  auto got = collect_latencies(fleet, committed);
  auto& lat = got.ms;
  std::vector<double> commit_ms;
  for (const auto& e : emitted) commit_ms.push_back(e.commit_ms);

  r["expected"] = static_cast<double>(want);
  r["delivered"] = static_cast<double>(got.delivered);
  r["duplicates"] = static_cast<double>(got.duplicates);
  r["unknown"] = static_cast<double>(got.unknown);
  r["closed_by_server"] = static_cast<double>(fleet.closed());
  r["protocol_errors"] = static_cast<double>(fleet.protocol_errors());
  r["clients_dropped"] = static_cast<double>(counters.clients_dropped);
  r["events_failed"] = static_cast<double>(counters.events_failed);
  r["p50_ms"] = pct(lat, 50);
  r["p95_ms"] = pct(lat, 95);
  r["p99_ms"] = pct(lat, 99);
  r["max_ms"] = lat.empty() ? -1 : *std::max_element(lat.begin(), lat.end());
  r["commit_p50_ms"] = pct(commit_ms, 50);
  r["commit_p99_ms"] = pct(commit_ms, 99);
  r["healthz_p50_ms"] = pct(probe.healthz, 50);
  r["healthz_p99_ms"] = pct(probe.healthz, 99);
  r["healthz_max_ms"] = probe.healthz.empty() ? -1 : *std::max_element(probe.healthz.begin(), probe.healthz.end());
  r["metrics_p50_ms"] = pct(probe.metrics, 50);
  r["metrics_p99_ms"] = pct(probe.metrics, 99);
  r["probe_failures"] = static_cast<double>(probe.failures);
  return r;
}

// Medians per field; counts of lost or broken things are summed instead
// (one lost event in any run must show).
Row combine(const std::vector<Row>& runs) {
  static const char* const kSummed[] = {"expected",        "delivered",        "duplicates",
                                        "unknown",         "closed_by_server", "protocol_errors",
                                        "clients_dropped", "events_failed",    "probe_failures"};
  Row out;
  for (const auto& [key, _] : runs.front()) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.at(key));
    bool summed = std::any_of(std::begin(kSummed), std::end(kSummed), [&](const char* s) { return key == s; });
    if (summed) {
      double s = 0;
      for (double x : v) s += x;
      out[key] = s;
    } else if (key == "max_ms" || key == "healthz_max_ms") {
      out[key] = *std::max_element(v.begin(), v.end());
    } else {
      std::sort(v.begin(), v.end());
      out[key] = v[v.size() / 2];
    }
  }
  return out;
}

}  // namespace

int run_db_bench(const DbBenchOptions& opt) {
  {
    auto conn = db::connect(opt.database_url);
    db::migrate(*conn);
  }
  std::printf(
      "outbox -> gateway -> SSE: %zu events at %.0f/s per case, %d run(s) each; latency = client receive - "
      "COMMIT return (ms, medians over runs; max = max over runs; counts summed over runs)\n",
      opt.events, opt.rate, opt.runs);
  std::printf("%7s %5s %9s %21s %7s %7s %7s %7s %8s %8s %8s %8s %8s %7s %8s %6s\n", "clients", "batch", "connected",
              "delivered/expected", "p50", "p95", "p99", "max", "commit50", "hz_p50", "hz_p99", "met_p50", "met_p99",
              "threads", "KiB/strm", "drops");
  nlohmann::json cases = nlohmann::json::array();
  bool lost = false;
  for (size_t n : opt.clients) {
    for (bool batch : opt.batch_modes) {
      std::vector<Row> runs;
      for (int i = 0; i < opt.runs; ++i) {
        runs.push_back(run_case(opt, n, batch));
        std::fprintf(stderr, "  clients=%zu batch=%d run %d: p99 %.1f ms, delivered %.0f/%.0f, stop %.0f ms\n", n,
                     batch, i + 1, runs.back()["p99_ms"], runs.back()["delivered"], runs.back()["expected"],
                     runs.back()["stop_ms"]);
      }
      Row r = combine(runs);
      lost = lost || r["delivered"] < r["expected"];
      std::printf(
          "%7zu %5d %9.0f %10.0f/%-10.0f %7.1f %7.1f %7.1f %7.1f %8.2f %8.2f %8.2f %8.2f %8.2f %7.0f %8.1f %6.0f\n", n,
          batch, r["connected"], r["delivered"], r["expected"], r["p50_ms"], r["p95_ms"], r["p99_ms"], r["max_ms"],
          r["commit_p50_ms"], r["healthz_p50_ms"], r["healthz_p99_ms"], r["metrics_p50_ms"], r["metrics_p99_ms"],
          r["threads"], r["kib_per_stream"], r["clients_dropped"] + r["closed_by_server"]);
      std::fflush(stdout);
      nlohmann::json c = r;
      c["clients"] = n;
      c["batch"] = batch;
      c["runs"] = opt.runs;
      cases.push_back(c);
    }
  }
  if (opt.json) {
    nlohmann::json out{{"bench", "sse_outbox"}, {"events", opt.events}, {"rate", opt.rate},
                       {"runs", opt.runs},      {"cases", cases},       {"all_delivered", !lost}};
    std::printf("%s\n", out.dump().c_str());
  }
  return lost ? 1 : 0;
}

}  // namespace td::bench
