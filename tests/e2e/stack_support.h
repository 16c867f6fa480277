// What the tests that start the real executables share: a free port for a
// gateway, and reading its JSON answers.
#pragma once

#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/helpers.h"
#include "support/pg.h"

namespace td::test {

// A loopback TCP port nothing listens on now (the kernel's choice).
inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// GET path; requires a 200 with a JSON body.
inline nlohmann::json get_json(httplib::Client& c, const std::string& path) {
  auto r = c.Get(path.c_str());
  REQUIRE(r);
  INFO(path << " -> " << r->status << " " << r->body);
  REQUIRE(r->status == 200);
  return nlohmann::json::parse(r->body);
}

// Polls /readyz until it answers 200 (the gateway migrated and reaches
// PostgreSQL) or `timeout` passes.
inline bool wait_ready(httplib::Client& c, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    auto r = c.Get("/readyz");
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// The four executables as a user runs them, with one environment: the
// gateway first (it migrates; the workers then find the schema current),
// then `replicas` of each worker. The destructor stops them all with
// SIGTERM, and each must exit 0: a clean shutdown is part of every test.
class Services {
 public:
  Services(const std::vector<std::string>& env, int gateway_port, int replicas = 1) {
    procs_.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{bin_path("tubedigest-gateway")}, env));
    httplib::Client c("127.0.0.1", gateway_port);
    c.set_read_timeout(30, 0);
    REQUIRE(wait_ready(c));
    for (int i = 0; i < replicas; ++i)
      for (const char* s : {"tubedigest-ingest", "tubedigest-summarize", "tubedigest-tts"})
        procs_.push_back(std::make_unique<ChildProcess>(std::vector<std::string>{bin_path(s)}, env));
  }
  ~Services() {
    for (auto& p : procs_) p->kill(SIGTERM);
    for (auto& p : procs_) {
      int status = p->wait();
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == 0);
    }
  }
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

 private:
  std::vector<std::unique_ptr<ChildProcess>> procs_;
};

}  // namespace td::test
