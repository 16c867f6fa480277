#include "gateway/db_pool.h"

#include <spdlog/spdlog.h>

#include "catalog/catalog.h"
#include "common/quote.h"
#include "db/connection.h"

namespace td::gateway {

ConnectionPool::ConnectionPool(std::string url, PoolOptions options) : url_(std::move(url)), opt_(options) {
  if (opt_.size == 0) throw std::invalid_argument("GATEWAY_DB_POOL must be at least 1");
}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<pqxx::connection> ConnectionPool::acquire() {
  std::unique_lock lk(mu_);
  auto deadline = std::chrono::steady_clock::now() + opt_.acquire_timeout;
  while (idle_.empty() && open_ >= opt_.size) {
    if (cv_.wait_until(lk, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= opt_.size) {
      throw DatabaseUnavailable("database busy: no free connection within " +
                                std::to_string(opt_.acquire_timeout.count()) + " ms");
    }
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  if (connect_failures_ > 0 && std::chrono::steady_clock::now() - last_connect_failure_ < opt_.reconnect_cooldown) {
    throw DatabaseUnavailable("database unavailable: " + last_connect_error_);
  }
  ++open_;  // reserve the slot, connect outside the lock
  lk.unlock();
  try {
    auto c = db::connect(url_);
    catalog::prepare(*c);
    return c;
  } catch (const std::exception& e) {
    lk.lock();
    --open_;
    ++connect_failures_;
    last_connect_failure_ = std::chrono::steady_clock::now();
    last_connect_error_ = one_line(e.what());  // libpq's hint line would split the log line and the JSON error
    lk.unlock();
    cv_.notify_one();
    spdlog::warn("gateway: cannot connect to the database: {}", last_connect_error_);
    throw DatabaseUnavailable("database unavailable: " + last_connect_error_);
  }
}

void ConnectionPool::release(std::unique_ptr<pqxx::connection> c) {
  {
    std::lock_guard lk(mu_);
    idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

void ConnectionPool::discard() {
  {
    std::lock_guard lk(mu_);
    --open_;
    ++broken_;
  }
  cv_.notify_one();
}

void ConnectionPool::run(const std::function<void(pqxx::connection&)>& fn) {
  for (int attempt = 0;; ++attempt) {
    auto c = acquire();
    try {
      fn(*c);
    } catch (const pqxx::in_doubt_error& e) {
      discard();
      throw DatabaseUnavailable(std::string("database connection lost during commit: ") + e.what());
    } catch (const std::exception& e) {
      if (!db::is_connection_error(e) && c->is_open()) {
        release(std::move(c));
        throw;
      }
      discard();
      spdlog::warn("gateway: database connection lost (attempt {}): {}", attempt + 1, e.what());
      if (attempt >= 1) throw DatabaseUnavailable("database unavailable: connection lost");
      continue;
    }
    release(std::move(c));
    return;
  }
}

ConnectionPool::Stats ConnectionPool::stats() const {
  std::lock_guard lk(mu_);
  return {open_, idle_.size(), broken_, connect_failures_};
}

}  // namespace td::gateway
