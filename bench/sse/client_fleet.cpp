#include "client_fleet.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace td::bench {

long status_field(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  }
  return -1;
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Latencies collect_latencies(const ClientFleet& fleet, const std::unordered_map<int64_t, int64_t>& start_ns) {
  Latencies out;
  std::unordered_map<int64_t, size_t> slot;  // event id -> index into seen
  for (const auto& [id, _] : start_ns) slot.emplace(id, slot.size());
  std::vector<char> seen(slot.size());
  for (const auto& client : fleet.deliveries()) {
    std::fill(seen.begin(), seen.end(), 0);
    for (const auto& d : client) {
      auto it = slot.find(d.id);
      if (it == slot.end()) {
        out.unknown++;
        continue;
      }
      if (seen[it->second]++) {
        out.duplicates++;
        continue;
      }
      out.delivered++;
      out.ms.push_back(static_cast<double>(d.t_ns - start_ns.at(d.id)) / 1e6);
    }
  }
  return out;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

bool frame_event_ids(const std::string& data, std::vector<int64_t>& out) {
  // The payload is one line of JSON with sorted keys written by td::sse
  // (frame.cpp); a substring scan is enough and keeps the reader thread cheap.
  auto p = data.find("\"ids\":[");
  if (p != std::string::npos) {
    const char* s = data.c_str() + p + 7;
    size_t before = out.size();
    while (*s && *s != ']') {
      char* end = nullptr;
      long long v = std::strtoll(s, &end, 10);
      if (end == s) break;
      out.push_back(v);
      s = end;
      if (*s == ',') ++s;
    }
    return out.size() > before;
  }
  p = data.find("\"id\":");
  if (p == std::string::npos) return false;
  out.push_back(std::atoll(data.c_str() + p + 5));
  return true;
}

ClientFleet::ClientFleet(int port, std::string target) : port_(port) {
  request_ = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
  ep_ = epoll_create1(0);
}

ClientFleet::~ClientFleet() {
  stop_reading();
  for (auto& c : conns_)
    if (c.fd >= 0) ::close(c.fd);
  if (ep_ >= 0) ::close(ep_);
}

size_t ClientFleet::connect(size_t n) {
  conns_ = std::vector<Conn>(n);
  got_.assign(n, {});
  size_t ok = 0;
  for (size_t i = 0; i < n; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      std::fprintf(stderr, "socket %zu failed: %s\n", i, std::strerror(errno));
      break;
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::send(fd, request_.data(), request_.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request_.size())) {
      std::fprintf(stderr, "connect %zu failed: %s\n", i, std::strerror(errno));
      ::close(fd);
      continue;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    conns_[i].fd = fd;
    conns_[i].open = true;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &e);
    ++ok;
  }
  reader_ = std::thread([this] { read_loop(); });
  return ok;
}

void ClientFleet::stop_reading() {
  stop_ = true;
  if (reader_.joinable()) reader_.join();
}

void ClientFleet::read_loop() {
  std::vector<epoll_event> evs(1024);
  std::vector<td::sse::SseMessage> msgs;
  std::vector<int64_t> ids;
  static thread_local char buf[65536];
  while (!stop_) {
    int m = epoll_wait(ep_, evs.data(), static_cast<int>(evs.size()), 10);
    for (int i = 0; i < m; ++i) {
      const size_t idx = evs[i].data.u64;
      Conn& c = conns_[idx];
      for (;;) {
        ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
        if (got <= 0) {
          if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
            c.open = false;
            closed_++;
          }
          break;
        }
        const int64_t t_recv = now_ns();
        msgs.clear();
        if (!c.parser.feed(buf, static_cast<size_t>(got), msgs)) {
          protocol_errors_++;
          epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
          c.open = false;
          break;
        }
        if (!c.head_seen && c.parser.head_done()) {
          c.head_seen = true;
          if (c.parser.status() == 200) heads_ok_++;
        }
        for (auto& msg : msgs) {
          if (msg.event.empty() || msg.event == "reset") continue;
          ids.clear();
          if (!frame_event_ids(msg.data, ids)) continue;
          for (int64_t id : ids) got_[idx].push_back({id, t_recv});
          received_ += ids.size();
        }
      }
    }
  }
}

}  // namespace td::bench
