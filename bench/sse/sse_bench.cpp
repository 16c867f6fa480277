// sse_bench: N SSE clients over loopback against an httplib server streaming a
// td::sse::Broker; K events published in process. Prints connected clients,
// delivered/expected events and publish->receive latency percentiles, plus
// the memory and threads the open streams cost and how fast another endpoint
// answers meanwhile.
//
//   sse_bench [--clients 100,1000,2000] [--events 200] [--rate 50] [--batch 0]
//   sse_bench --database-url URL [--clients ..] [--events ..] [--rate ..]
//             [--batch 0|1, default both] [--runs 3] [--json]
//
// With --database-url it measures the whole path instead (db_mode.h): a real
// Gateway in process, events committed to the Postgres outbox, commit->receive
// latency per (client, event), /healthz and /api/metrics latency meanwhile.
//
// The clients are td::bench::ClientFleet (raw sockets on one epoll thread; a
// real browser per client would not fit on this machine). Latency is from
// just before publish() to a client receiving the frame that carries the
// event (a merged frame carries several: each counts).
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "client_fleet.h"
#include "db_mode.h"
#include "httpserve/pool.h"
#include "sse/http.h"

using namespace std::chrono;
using td::bench::now_ns;
using td::bench::status_field;

namespace {

struct Result {
  size_t connected = 0, expected = 0;
  td::bench::Latencies lat;
  long rss_before_kb = 0, rss_after_kb = 0, threads = 0;
  std::vector<double> ping_ms;
};

Result run(size_t n, size_t k, double rate, bool batch) {
  td::sse::BrokerConfig cfg;
  cfg.max_clients = n;
  cfg.heartbeat = seconds(15);
  cfg.batch_window = milliseconds(batch ? 250 : 0);
  td::sse::Broker broker(cfg);

  httplib::Server svr;
  td::httpserve::ServerLimits lim;
  lim.api_threads = 8;
  lim.stream_threads = n + 8;
  lim.write_timeout = seconds(5);
  td::httpserve::configure_server(svr, lim);
  td::sse::install_report_events(svr, broker);
  svr.Get("/ping", [](const httplib::Request&, httplib::Response& res) { res.set_content("pong", "text/plain"); });
  int port = svr.bind_to_any_port("127.0.0.1");
  td::httpserve::set_listen_backlog(svr, 4096);
  std::thread server([&] { svr.listen_after_bind(); });
  while (!svr.is_running()) std::this_thread::sleep_for(milliseconds(1));

  Result r;
  r.rss_before_kb = status_field("VmRSS:");
  td::bench::ClientFleet fleet(port, std::string("/api/report-events?batch=") + (batch ? "1" : "0"));
  fleet.connect(n);
  auto t_connect = steady_clock::now();
  while ((fleet.heads_ok() < n || broker.counters().clients_current < n) &&
         steady_clock::now() - t_connect < seconds(60)) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  r.connected = fleet.heads_ok();
  r.expected = r.connected * k;
  std::this_thread::sleep_for(milliseconds(200));
  r.rss_after_kb = status_field("VmRSS:");
  r.threads = status_field("Threads:");

  // Another endpoint, while every stream is open and events flow.
  std::thread pinger([&] {
    httplib::Client cli("127.0.0.1", port);
    for (int i = 0; i < 20; ++i) {
      auto t0 = now_ns();
      auto res = cli.Get("/ping");
      if (res && res->status == 200) r.ping_ms.push_back(static_cast<double>(now_ns() - t0) / 1e6);
      std::this_thread::sleep_for(milliseconds(50));
    }
  });

  std::unordered_map<int64_t, int64_t> published;
  const auto gap = duration<double>(1.0 / rate);
  auto next = steady_clock::now();
  for (size_t i = 1; i <= k; ++i) {
    td::sse::Event e;
    e.id = static_cast<int64_t>(i);
    e.type = "report-updated";
    e.video_id = "yt:bench" + std::to_string(i % 7);  // seven videos: a window merges some
    e.at = system_clock::now();
    e.data = {{"variant", "bullet-points"}, {"revision", 1}};
    published[e.id] = now_ns();
    broker.publish({std::move(e)});
    next += duration_cast<steady_clock::duration>(gap);
    std::this_thread::sleep_until(next);
  }
  auto t_end = steady_clock::now() + seconds(30);
  while (fleet.received() < r.expected && steady_clock::now() < t_end) std::this_thread::sleep_for(milliseconds(10));
  pinger.join();
  fleet.stop_reading();
  r.lat = td::bench::collect_latencies(fleet, published);

  auto t_stop = steady_clock::now();
  broker.shutdown();  // as the gateway does: streams end at once
  svr.stop();
  server.join();
  std::fprintf(stderr, "  server stop with %zu open streams took %.0f ms\n", r.connected,
               duration<double, std::milli>(steady_clock::now() - t_stop).count());
  return r;
}

std::vector<size_t> parse_list(const std::string& s) {
  std::vector<size_t> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::stoul(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> clients{100, 1000, 2000};
  size_t events = 200;
  double rate = 50;
  bool batch = false, batch_given = false, json = false;
  int runs = 3;
  std::string database_url;
  const char* usage =
      "usage: %s [--clients 100,1000,2000] [--events 200] [--rate 50] [--batch 0]\n"
      "       %s --database-url URL [--clients ..] [--events ..] [--rate ..] [--batch 0|1] [--runs 3] [--json]\n";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      json = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, usage, argv[0], argv[0]);
      return 2;
    }
    std::string v = argv[++i];
    if (a == "--clients") clients = parse_list(v);
    else if (a == "--events") events = std::stoul(v);
    else if (a == "--rate") rate = std::stod(v);
    else if (a == "--batch") {
      batch = v != "0";
      batch_given = true;
    } else if (a == "--runs") runs = std::max(1, std::stoi(v));
    else if (a == "--database-url") database_url = v;
    else {
      std::fprintf(stderr, usage, argv[0], argv[0]);
      return 2;
    }
  }
  // Each client is two fds here (both ends live in this process).
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  spdlog::set_level(spdlog::level::warn);

  if (!database_url.empty()) {
    td::bench::DbBenchOptions o;
    o.database_url = database_url;
    o.clients = clients;
    if (batch_given) o.batch_modes = {batch};
    o.events = events;
    o.rate = rate;
    o.runs = runs;
    o.json = json;
    try {
      return td::bench::run_db_bench(o);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sse_bench: %s\n", e.what());
      return 1;
    }
  }

  std::printf("%8s %10s %22s %8s %8s %8s %8s %5s %12s %8s %9s\n", "clients", "connected", "delivered/expected",
              "p50_ms", "p95_ms", "p99_ms", "max_ms", "dups", "KiB/stream", "threads", "ping_p50");
  bool lost = false;
  for (size_t n : clients) {
    auto r = run(n, events, rate, batch);
    auto& lat = r.lat.ms;
    std::sort(lat.begin(), lat.end());
    double per =
        r.connected ? static_cast<double>(r.rss_after_kb - r.rss_before_kb) / static_cast<double>(r.connected) : 0;
    lost = lost || r.connected < n || r.lat.delivered < r.expected;
    std::printf("%8zu %10zu %11zu/%-10zu %8.2f %8.2f %8.2f %8.2f %5zu %12.1f %8ld %9.2f\n", n, r.connected,
                r.lat.delivered, r.expected, td::bench::percentile(lat, 50), td::bench::percentile(lat, 95),
                td::bench::percentile(lat, 99), lat.empty() ? -1 : lat.back(), r.lat.duplicates, per, r.threads,
                td::bench::percentile(r.ping_ms, 50));
    std::fflush(stdout);
  }
  return lost ? 1 : 0;
}
