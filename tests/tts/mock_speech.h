// A loopback stand-in for an OpenAI-compatible POST /v1/audio/speech.
// Each test scripts the responses; the server records what it was sent.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace td::tts::test {

struct SeenRequest {
  nlohmann::json body;
  std::string authorization;
};

class MockSpeechServer {
 public:
  // Called with the 0-based request number; fills the response.
  using Handler = std::function<void(int n, const httplib::Request&, httplib::Response&)>;

  explicit MockSpeechServer(Handler handler) : handler_(std::move(handler)) {
    server_.Post("/v1/audio/speech", [this](const httplib::Request& req, httplib::Response& res) {
      int n;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        n = int(seen_.size());
        SeenRequest s;
        s.body = nlohmann::json::parse(req.body, nullptr, false);
        s.authorization = req.get_header_value("Authorization");
        seen_.push_back(std::move(s));
      }
      handler_(n, req, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("mock speech server could not bind");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~MockSpeechServer() {
    stopping_ = true;
    server_.stop();
    thread_.join();
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  std::vector<SeenRequest> seen() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }
  // For handlers that stall: sleeps up to `d`, returning early when the server stops.
  void stall(std::chrono::milliseconds d) const {
    auto until = std::chrono::steady_clock::now() + d;
    while (!stopping_ && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

 private:
  Handler handler_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<SeenRequest> seen_;
  std::atomic<bool> stopping_{false};
};

}  // namespace td::tts::test
