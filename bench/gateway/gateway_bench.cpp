// gateway_bench: requests/s and latency of the gateway's hot GET endpoints.
//
//   gateway_bench --database-url URL [--connections 64] [--seconds 4] [--runs 3] [--json]
//
// Starts a Gateway in this process on a free loopback port against the
// database (migrating it), seeds one report (yt:gwbench0001, four variants),
// then for each endpoint (GET /api/reports/yt:gwbench0001, GET /api/metrics)
// runs `connections` threads, each with one keep-alive connection sending
// requests back to back for `seconds`. Prints req/s and latency p50/p99
// (median over runs); --json adds one JSON line at the end.
//
// The load generator shares the machine (and here the process) with the
// server: on 2 cores it takes about half the CPU, so the numbers are a lower
// bound for the server alone. The client is a plain socket loop (no HTTP
// library) to keep its share small.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "common/env.h"
#include "db/migrate.h"
#include "gateway/gateway.h"
#include "store/summaries.h"
#include "store/transcripts.h"
#include "store/videos.h"

namespace {

using Clock = std::chrono::steady_clock;

const char* kVideo = "yt:gwbench0001";

void seed(const std::string& url) {
  pqxx::connection c(url);
  td::db::migrate(c);
  td::catalog::prepare(c);
  pqxx::work tx(c);
  if (td::store::get_video(tx, kVideo)) return;
  td::store::Video v;
  v.id = kVideo;
  v.url = "https://www.youtube.com/watch?v=gwbench0001";
  v.title = "Gateway benchmark video";
  v.channel = "Bench";
  v.metadata = {{"title", *v.title}, {"channel", *v.channel}, {"duration", 1234}};
  v.requested_variants = {"comprehensive", "bullet-points", "key-insights", "audio"};
  td::store::upsert_video(tx, v);
  td::store::TranscriptRow t{kVideo, "en", "user", std::string(20000, 'w'), nlohmann::json::array(), 3000};
  td::store::upsert_transcript(tx, t);
  for (const auto& name : v.requested_variants) {
    td::store::Summary s;
    s.video_id = kVideo;
    s.variant = name;
    std::string text;
    for (int i = 0; i < 60; ++i) text += "This is sentence " + std::to_string(i) + " of the " + name + " summary. ";
    s.text = text;
    s.language = "en";
    s.word_count = 480;
    s.provider = "bench";
    td::store::insert_summary_once(tx, s);
  }
  tx.commit();
}

struct Conn {
  int fd = -1;
  std::string buf;
  explicit Conn(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ~Conn() {
    if (fd >= 0) ::close(fd);
  }
  // One request/response; returns the status or -1 on a broken connection.
  int request(const std::string& req) {
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return -1;
    buf.clear();
    size_t head_end = std::string::npos, need = 0;
    char tmp[65536];
    for (;;) {
      if (head_end == std::string::npos) {
        head_end = buf.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          auto p = buf.find("Content-Length: ");
          size_t len = (p != std::string::npos && p < head_end) ? std::stoul(buf.substr(p + 16)) : 0;
          need = head_end + 4 + len;
        }
      }
      if (head_end != std::string::npos && buf.size() >= need) break;
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n <= 0) return -1;
      buf.append(tmp, static_cast<size_t>(n));
    }
    return buf.size() > 12 ? std::atoi(buf.c_str() + 9) : -1;
  }
};

struct Result {
  double rps = 0, p50_ms = 0, p99_ms = 0;
  uint64_t requests = 0, errors = 0;
};

Result hammer(int port, const std::string& path, int connections, double seconds) {
  const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n";
  std::vector<std::vector<float>> lat(connections);
  std::atomic<uint64_t> errors{0};
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < connections; ++i) {
    threads.emplace_back([&, i] {
      auto conn = std::make_unique<Conn>(port);
      lat[i].reserve(200000);
      while (!go) std::this_thread::yield();
      while (!stop) {
        auto t0 = Clock::now();
        int status = conn->fd >= 0 ? conn->request(req) : -1;
        auto dt = std::chrono::duration<float, std::milli>(Clock::now() - t0).count();
        if (status == 200) {
          lat[i].push_back(dt);
        } else {
          ++errors;
          conn = std::make_unique<Conn>(port);  // closed (keep-alive limit) or failed: reconnect
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto t0 = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<float> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  Result r;
  r.requests = all.size();
  r.errors = errors;
  r.rps = all.size() / elapsed;
  if (!all.empty()) {
    std::sort(all.begin(), all.end());
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  return r;
}

Result median(std::vector<Result> rs) {
  std::sort(rs.begin(), rs.end(), [](const Result& a, const Result& b) { return a.rps < b.rps; });
  return rs[rs.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  cxxopts::Options opts("gateway_bench", "requests/s of the gateway's report and metrics endpoints");
  opts.add_options()("database-url", "PostgreSQL URL (DATABASE_URL)",
                     cxxopts::value<std::string>()->default_value(td::env::database_url()))(
      "connections", "concurrent keep-alive connections", cxxopts::value<int>()->default_value("64"))(
      "seconds", "seconds per run", cxxopts::value<double>()->default_value("4"))(
      "runs", "runs per endpoint (the median is printed)", cxxopts::value<int>()->default_value("3"))(
      "threads", "GATEWAY_THREADS for the gateway", cxxopts::value<size_t>()->default_value("64"))(
      "json", "print a JSON summary as the last line")("h,help", "help");
  auto a = opts.parse(argc, argv);
  if (a.count("help")) {
    std::cout << opts.help();
    return 0;
  }
  spdlog::set_level(spdlog::level::warn);
  const std::string url = a["database-url"].as<std::string>();
  const int conns = a["connections"].as<int>();
  const double secs = a["seconds"].as<double>();
  const int runs = std::max(1, a["runs"].as<int>());
  try {
    seed(url);
    auto o = td::gateway::Options::from_env();
    o.database_url = url;
    o.threads = a["threads"].as<size_t>();
    td::gateway::Gateway gw(o);
    int port = gw.bind("127.0.0.1", 0);
    gw.start();
    nlohmann::json out = {{"connections", conns}, {"seconds", secs}, {"runs", runs}};
    for (const auto& [name, path] : std::vector<std::pair<std::string, std::string>>{
             {"report", std::string("/api/reports/") + kVideo}, {"metrics", "/api/metrics"}}) {
      std::vector<Result> rs;
      for (int i = 0; i < runs; ++i) rs.push_back(hammer(port, path, conns, secs));
      auto m = median(rs);
      std::printf("%-8s GET %-32s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%llu ok, %llu errors; median of %d)\n",
                  name.c_str(), path.c_str(), m.rps, m.p50_ms, m.p99_ms, static_cast<unsigned long long>(m.requests),
                  static_cast<unsigned long long>(m.errors), runs);
      out[name] = {{"path", path}, {"rps", m.rps}, {"p50_ms", m.p50_ms}, {"p99_ms", m.p99_ms}, {"errors", m.errors}};
    }
    gw.stop();
    if (a.count("json")) std::cout << out.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "gateway_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
