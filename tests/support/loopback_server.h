// An httplib::Server on a free loopback port, on its own thread, for tests
// that need a peer to talk to (a provider that trickles, a proxy that
// answers garbage); stops and joins on scope exit.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <httplib.h>

namespace td::test {

struct LoopbackServer {
  httplib::Server server;
  std::thread thread;
  int port = 0;

  explicit LoopbackServer(const std::function<void(httplib::Server&)>& routes) {
    routes(server);
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    // stop() does nothing before the loop runs: wait for it.
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() {
    server.stop();
    thread.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }
  std::string url(const std::string& path) const { return base() + path; }
};

}  // namespace td::test
