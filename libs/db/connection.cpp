#include "db/connection.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <thread>

#include "common/quote.h"

namespace td::db {

std::unique_ptr<Connection> connect_for_startup(const std::string& url, const std::string& step,
                                                std::chrono::milliseconds give_up) {
  auto deadline = std::chrono::steady_clock::now() + give_up;
  auto conn = connect_with_retry(url, step, [&] { return std::chrono::steady_clock::now() > deadline; });
  if (!conn)
    throw std::runtime_error("cannot reach the database to " + step + " (gave up after " +
                             std::to_string(give_up.count() / 1000) + " s)");
  return conn;
}

std::string with_connect_timeout(const std::string& url) {
  // Without it libpq waits for the kernel (minutes) on a host that drops
  // packets, holding a request thread or a worker slot all that time.
  if (url.find("connect_timeout") != std::string::npos || std::getenv("PGCONNECT_TIMEOUT")) return url;
  bool uri = url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
  if (!uri) return url.empty() ? "connect_timeout=10" : url + " connect_timeout=10";
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
}

std::unique_ptr<Connection> connect(const std::string& url) {
  try {
    return std::make_unique<Connection>(with_connect_timeout(url));
  } catch (const pqxx::broken_connection& e) {
    // libpq adds a hint on a line of its own ("\tIs the server running...?"):
    // one line, so a log line or a JSON error is not split.
    throw pqxx::broken_connection(one_line(e.what()));
  }
}

std::unique_ptr<Connection> connect_with_retry(const std::string& url, const std::string& who,
                                               const std::function<bool()>& stopping, Backoff backoff) {
  for (int attempt = 1;; ++attempt) {
    if (stopping()) return nullptr;
    try {
      auto conn = connect(url);
      if (attempt > 1) spdlog::info("db reconnected who={} attempts={}", who, attempt);
      return conn;
    } catch (const std::exception& e) {
      auto delay = backoff.delay(attempt);
      std::string msg = e.what();
      while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
      spdlog::warn("db connect failed who={} attempt={} retry_in_ms={} error=\"{}\"", who, attempt, delay.count(), msg);
      // Sleep in small steps so a shutdown is not held up by a long backoff.
      auto until = std::chrono::steady_clock::now() + delay;
      while (std::chrono::steady_clock::now() < until && !stopping())
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

bool is_connection_error(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return true;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e)) return true;
  if (auto* s = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = s->sqlstate();
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
  }
  return false;
}

bool is_retryable_conflict(const std::exception& e) {
  if (auto* s = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = s->sqlstate();
    return state == "40001" || state == "40P01" || state == "55P03";
  }
  return false;
}

}  // namespace td::db
