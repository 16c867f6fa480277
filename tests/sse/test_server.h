// Loopback helpers for the SSE tests: an httplib server on a free port run on
// a thread (stopped and joined by the destructor), and a raw-socket SSE client.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "httpserve/pool.h"
#include "sse/client_parser.h"

namespace td::test {

class ServerGuard {
 public:
  explicit ServerGuard(std::function<void(httplib::Server&)> setup, httpserve::ServerLimits limits = {}) {
    httpserve::configure_server(svr, limits);
    setup(svr);
    port = svr.bind_to_any_port("127.0.0.1");
    if (port <= 0) throw std::runtime_error("bind failed");
    httpserve::set_listen_backlog(svr, limits.listen_backlog);
    thread = std::thread([this] { svr.listen_after_bind(); });
    for (int i = 0; i < 500 && !svr.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~ServerGuard() { stop(); }
  void stop() {
    if (thread.joinable()) {
      svr.stop();
      thread.join();
    }
  }
  httplib::Server svr;
  int port = 0;
  std::thread thread;
};

class RawClient {
 public:
  RawClient(int port, const std::string& target, const std::string& extra_headers = "", int rcvbuf = 0) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
    std::string req =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" + extra_headers + "\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
      throw std::runtime_error("send failed");
  }
  ~RawClient() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  // Reads until pred() holds, the peer closes, or timeout. Returns pred().
  bool read_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0 || eof) return pred();
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[16384];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) {
        eof = true;
        return pred();
      }
      if (!parser.feed(buf, static_cast<size_t>(n), messages)) throw std::runtime_error(parser.error());
    }
    return true;
  }
  // Messages carrying an event (not the retry hint or heartbeats).
  std::vector<sse::SseMessage> events() const {
    std::vector<sse::SseMessage> out;
    for (const auto& m : messages)
      if (!m.event.empty() || !m.data.empty()) out.push_back(m);
    return out;
  }
  size_t event_count() const {
    size_t n = 0;
    for (const auto& m : messages) n += (!m.event.empty() || !m.data.empty());
    return n;
  }

  int fd = -1;
  bool eof = false;
  sse::SseResponseParser parser;
  std::vector<sse::SseMessage> messages;
};

inline bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace td::test
