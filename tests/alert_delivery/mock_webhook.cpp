#include "mock_webhook.h"

#include <stdexcept>

#include "support/helpers.h"

namespace td::alerts::test {

MockWebhook::MockWebhook() { up(); }

MockWebhook::~MockWebhook() { down(); }

void MockWebhook::up() {
  if (svr_) return;
  svr_ = std::make_unique<httplib::Server>();
  svr_->Post(".*", [this](const httplib::Request& req, httplib::Response& res) {
    Received r{req.path, nlohmann::json::parse(req.body, nullptr, false), req.get_header_value("Content-Type"),
               std::chrono::steady_clock::now()};
    if (r.body.is_discarded()) r.body = nullptr;
    std::function<int(const std::string&, int)> f;
    int nth = 0;
    {
      std::lock_guard lk(mu_);
      received_.push_back(r);
      for (const auto& x : received_) nth += x.path == req.path;
      f = answer_;
    }
    res.status = f ? f(req.path, nth) : 200;
    res.set_content(res.status < 300 ? "ok" : "no", "text/plain");
  });
  if (port_ == 0) {
    port_ = svr_->bind_to_any_port("127.0.0.1");
  } else if (!svr_->bind_to_port("127.0.0.1", port_)) {
    throw std::runtime_error("mock webhook: cannot listen on its port again");
  }
  // Bound means listening: connections made before the thread runs wait in the backlog.
  thread_ = std::thread([this] { svr_->listen_after_bind(); });
  // stop() does nothing before the loop runs: wait for it, so down() always works.
  while (!svr_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void MockWebhook::down() {
  if (!svr_) return;
  svr_->stop();
  thread_.join();
  svr_.reset();
}

void MockWebhook::answer(std::function<int(const std::string&, int)> f) {
  std::lock_guard lk(mu_);
  answer_ = std::move(f);
}

std::vector<Received> MockWebhook::received(const std::string& path) const {
  std::lock_guard lk(mu_);
  std::vector<Received> out;
  for (const auto& r : received_)
    if (path.empty() || r.path == path) out.push_back(r);
  return out;
}

bool MockWebhook::wait_for(size_t n, std::chrono::milliseconds timeout, const std::string& path) const {
  return td::test::eventually([&] { return received(path).size() >= n; }, timeout);
}

}  // namespace td::alerts::test
