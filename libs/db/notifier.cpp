#include "db/notifier.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

#include "db/connection.h"

namespace td::db {

namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel,
           std::function<void(const std::string&, const std::string&)> fn)
      : pqxx::notification_receiver(c, channel), fn_(std::move(fn)) {}
  void operator()(const std::string& payload, int) override { fn_(channel(), payload); }

 private:
  std::function<void(const std::string&, const std::string&)> fn_;
};

}  // namespace

Notifier::Notifier(std::string database_url, std::vector<std::string> channels,
                   std::function<void(const std::string&, const std::string&)> on_notify)
    : url_(std::move(database_url)), channels_(std::move(channels)), on_notify_(std::move(on_notify)) {}

Notifier::~Notifier() { stop(); }

void Notifier::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Notifier::stop() {
  stopping_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
}

void Notifier::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++seq_;
  }
  cv_.notify_all();
}

bool Notifier::wait_for_change(uint64_t seen, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return seq_.load() != seen; });
}

void Notifier::run() {
  auto stopping = [this] { return stopping_.load(); };
  while (!stopping_) {
    auto conn = db::connect_with_retry(url_, "notifier", stopping);
    if (!conn) return;
    try {
      std::vector<std::unique_ptr<Receiver>> receivers;
      auto fn = [this](const std::string& channel, const std::string& payload) {
        if (on_notify_) on_notify_(channel, payload);
        wake();
      };
      for (const auto& ch : channels_) receivers.push_back(std::make_unique<Receiver>(*conn, ch, fn));
      conn->get_notifs();  // makes libpqxx issue the LISTENs now
      listening_ = true;
      wake();  // anything sent while we were not listening: poll once
      while (!stopping_) conn->await_notification(0, 200'000);
    } catch (const std::exception& e) {
      if (!db::is_connection_error(e)) spdlog::error("notifier error=\"{}\"", e.what());
      else spdlog::warn("notifier lost its connection; reconnecting");
    }
  }
}

}  // namespace td::db
