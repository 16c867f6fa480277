// A loopback OpenAI-compatible chat-completions server for the summarizer
// tests: answers with whatever the test's handler decides and keeps every
// request (messages, Authorization header).
#pragma once

#include <httplib.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace td::summarize::testing {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct Request {
  json body;
  std::string system;  // the system message
  std::string user;    // the user message
  bool strict() const { return user.find("previous answer was rejected") != std::string::npos; }
};

// Answers with whatever the test's handler decides; keeps every request.
class MockLlm {
 public:
  using Handler = std::function<void(const Request&, int n, httplib::Response&)>;

  MockLlm() {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      Request r;
      r.body = json::parse(req.body);
      r.system = r.body["messages"][0]["content"].get<std::string>();
      r.user = r.body["messages"][1]["content"].get<std::string>();
      int n;
      Handler h;
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(r);
        n = static_cast<int>(requests_.size());
        h = handler_;
        auth_ = req.get_header_value("Authorization");
      }
      h(r, n, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 200 && !server_.is_running(); ++i) std::this_thread::sleep_for(5ms);
  }
  ~MockLlm() {
    server_.stop();
    thread_.join();
  }
  void on(Handler h) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(h);
  }
  std::vector<Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::string auth() {
    std::lock_guard<std::mutex> lock(mu_);
    return auth_;
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  Handler handler_;
  std::vector<Request> requests_;
  std::string auth_;
};

// The answer a provider sends, with a "usage" object as OpenAI, Ollama and
// llama.cpp do (tokens counted as ~4 characters each).
inline std::string chat(const std::string& content, const std::string& finish = "stop") {
  return json{{"id", "x"},
              {"model", "mock-model-1"},
              {"choices",
               {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", finish}}}},
              {"usage", {{"prompt_tokens", 1000}, {"completion_tokens", content.size() / 4 + 1}}}}
      .dump();
}

inline void answer(httplib::Response& res, const std::string& content, const std::string& finish = "stop") {
  res.set_content(chat(content, finish), "application/json");
}

}  // namespace td::summarize::testing
