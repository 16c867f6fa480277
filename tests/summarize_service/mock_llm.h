// A loopback OpenAI-compatible /v1/chat/completions for the service tests.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "summarize/chain.h"
#include "summarize/extractive.h"
#include "summarize/openai.h"
#include "summarize_stage.h"

namespace td::summarize_test {

class MockLlm {
 public:
  // (user message, request number from 1, response)
  using Handler = std::function<void(const std::string& user, int n, httplib::Response&)>;

  explicit MockLlm(Handler h) : handler_(std::move(h)) {
    server_.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
      auto body = nlohmann::json::parse(req.body);
      int n = ++requests_;
      handler_(body["messages"].back()["content"].get<std::string>(), n, res);
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 400 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~MockLlm() {
    server_.stop();
    thread_.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }
  int requests() const { return requests_; }

  // finish = "length": the answer was cut off by max_tokens.
  static void answer(httplib::Response& res, const std::string& content, const std::string& finish = "stop") {
    nlohmann::json j = {
        {"id", "x"},
        {"model", "mock-model-1"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}, {"finish_reason", finish}}}}};
    res.set_content(j.dump(), "application/json");
  }

 private:
  Handler handler_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> requests_{0};
};

// The stage's chain with the mock first and the extractive last resort
// behind it, as SUMMARIZER=openai,extractive builds it; fast retries.
inline td::summarize_stage::Config openai_then_extractive(const MockLlm& mock, const std::string& api_key = "",
                                                          int chunk_tokens = 6000) {
  using namespace std::chrono_literals;
  td::summarize::OpenAiConfig oc;
  oc.base_url = mock.base_url();
  oc.api_key = api_key;
  oc.model = "mock-model";
  oc.timeout = 2s;
  oc.max_attempts = 2;
  oc.backoff = td::Backoff{10ms, 20ms, 0.0};
  oc.chunk_tokens = chunk_tokens;
  td::summarize_stage::Config cfg;
  cfg.make_chain = [oc] {
    auto openai = std::make_shared<td::summarize::OpenAiSummarizer>(oc, [](std::chrono::milliseconds) {});
    return td::summarize::GuardrailChain({openai, std::make_shared<td::summarize::ExtractiveSummarizer>()});
  };
  return cfg;
}

}  // namespace td::summarize_test
