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
// The clients are non-blocking raw sockets on one epoll thread (a real
// browser per client would not fit on this machine); each event carries its
// publish time (steady clock, same process) in its data.
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "db_mode.h"
#include "httpserve/pool.h"
#include "sse/client_parser.h"
#include "sse/http.h"

#include "client_fleet.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

using namespace std::chrono;
using td::bench::now_ns;
using td::bench::status_field;

namespace {

struct Conn {
  int fd = -1;
  td::sse::SseResponseParser parser;
  size_t received = 0;
  bool open = false;
};

struct Result {
  size_t connected = 0, delivered = 0, expected = 0;
  std::vector<double> lat_ms;
  long rss_before_kb = 0, rss_after_kb = 0, threads = 0;
  std::vector<double> ping_ms;
};

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

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
  r.expected = n * k;
  r.rss_before_kb = status_field("VmRSS:");

  int ep = epoll_create1(0);
  std::vector<Conn> conns(n);
  const std::string req = std::string("GET /api/report-events?batch=") + (batch ? "1" : "0") +
                          " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  for (size_t i = 0; i < n; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::fprintf(stderr, "connect %zu failed: %s\n", i, std::strerror(errno));
      ::close(fd);
      continue;
    }
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    conns[i].fd = fd;
    conns[i].open = true;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
  }

  std::atomic<bool> stop{false};
  std::mutex lat_mu;
  std::atomic<size_t> delivered{0};
  std::thread reader([&] {
    std::vector<epoll_event> evs(1024);
    std::vector<td::sse::SseMessage> msgs;
    std::vector<double> local;
    char buf[65536];
    while (!stop) {
      int m = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 10);
      for (int i = 0; i < m; ++i) {
        Conn& c = conns[evs[i].data.u64];
        for (;;) {
          ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
          if (got <= 0) {
            if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
              epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
              c.open = false;
            }
            break;
          }
          msgs.clear();
          c.parser.feed(buf, static_cast<size_t>(got), msgs);
          int64_t t_recv = now_ns();
          for (auto& msg : msgs) {
            if (msg.event.empty()) continue;
            auto p = msg.data.find("\"t\":");
            if (p == std::string::npos) continue;
            int64_t t_pub = std::atoll(msg.data.c_str() + p + 4);
            local.push_back(static_cast<double>(t_recv - t_pub) / 1e6);
            c.received++;
            delivered++;
          }
        }
      }
      if (!local.empty()) {
        std::lock_guard lk(lat_mu);
        r.lat_ms.insert(r.lat_ms.end(), local.begin(), local.end());
        local.clear();
      }
    }
  });

  auto t_connect = steady_clock::now();
  while (broker.counters().clients_current < n && steady_clock::now() - t_connect < seconds(60)) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  r.connected = broker.counters().clients_current;
  std::this_thread::sleep_for(milliseconds(200));
  r.rss_after_kb = status_field("VmRSS:");
  r.threads = status_field("Threads:");

  // Another endpoint, while every stream is open and events flow.
  std::thread pinger([&] {
    httplib::Client cli("127.0.0.1", port);
    for (int i = 0; i < 20; ++i) {
      auto t0 = now_ns();
      auto res = cli.Get("/ping");
      if (res && res->status == 200) r.ping_ms.push_back((now_ns() - t0) / 1e6);
      std::this_thread::sleep_for(milliseconds(50));
    }
  });

  const auto gap = duration<double>(1.0 / rate);
  auto next = steady_clock::now();
  for (size_t i = 1; i <= k; ++i) {
    td::sse::Event e;
    e.id = static_cast<int64_t>(i);
    e.type = "report-updated";
    e.video_id = "yt:bench" + std::to_string(i % 7);
    e.at = system_clock::now();
    e.data = {{"variant", "bullet-points"}, {"revision", 1}};
    e.data["t"] = now_ns();  // last, read by the clients
    broker.publish({std::move(e)});
    next += duration_cast<steady_clock::duration>(gap);
    std::this_thread::sleep_until(next);
  }
  auto t_end = steady_clock::now() + seconds(30);
  while (delivered < r.connected * k && steady_clock::now() < t_end) std::this_thread::sleep_for(milliseconds(10));
  r.delivered = delivered;
  pinger.join();

  stop = true;
  reader.join();
  auto t_stop = steady_clock::now();
  svr.stop();
  server.join();
  for (auto& c : conns)
    if (c.fd >= 0) ::close(c.fd);
  ::close(ep);
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
    }
    else if (a == "--runs") runs = std::max(1, std::stoi(v));
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

  std::printf("%8s %10s %22s %8s %8s %8s %8s %12s %8s %9s\n", "clients", "connected", "delivered/expected",
              "p50_ms", "p95_ms", "p99_ms", "max_ms", "KiB/stream", "threads", "ping_p50");
  for (size_t n : clients) {
    auto r = run(n, events, rate, batch);
    std::sort(r.lat_ms.begin(), r.lat_ms.end());
    std::sort(r.ping_ms.begin(), r.ping_ms.end());
    double per = r.connected ? static_cast<double>(r.rss_after_kb - r.rss_before_kb) / static_cast<double>(r.connected) : 0;
    std::printf("%8zu %10zu %11zu/%-10zu %8.2f %8.2f %8.2f %8.2f %12.1f %8ld %9.2f\n", n, r.connected, r.delivered,
                r.expected, pct(r.lat_ms, 50), pct(r.lat_ms, 95), pct(r.lat_ms, 99),
                r.lat_ms.empty() ? 0 : r.lat_ms.back(), per, r.threads, pct(r.ping_ms, 50));
    std::fflush(stdout);
  }
  return 0;
}
