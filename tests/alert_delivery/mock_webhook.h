// A webhook receiver on loopback that records what it is sent: a stand-in
// for Alertmanager-shaped receivers and Slack's incoming webhooks. It can be
// taken down and brought back on the same port (a receiver that is down for
// a while), and told what status to answer.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace td::alerts::test {

struct Received {
  std::string path;
  nlohmann::json body;  // null when the body was not JSON
  std::string content_type;
  std::chrono::steady_clock::time_point at;
};

class MockWebhook {
 public:
  MockWebhook();  // listening on a free port
  ~MockWebhook();

  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  // Down: the port refuses connections. Up: listening again on the same port.
  void down();
  void up();

  // The status to answer for each request (default 200); called with the
  // request's number on its path, from 1.
  void answer(std::function<int(const std::string& path, int nth)> f);

  std::vector<Received> received(const std::string& path = "") const;
  // Waits until `n` requests arrived on `path` ("" = any); false on timeout.
  bool wait_for(size_t n, std::chrono::milliseconds timeout, const std::string& path = "") const;

 private:
  void serve();
  int port_ = 0;
  std::unique_ptr<httplib::Server> svr_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
  std::function<int(const std::string&, int)> answer_;
};

}  // namespace td::alerts::test
