// A small pool of PostgreSQL connections for the gateway's request threads.
//
// Connections are opened lazily, up to `size`, each with every store
// statement prepared (catalog::prepare). A request borrows one for the length
// of its transaction. When Postgres is away the request gets
// DatabaseUnavailable (the routes answer 503 JSON), never a crash or a hang:
//   - a borrowed connection that breaks is thrown away, and run() retries the
//     work once on a fresh one (a transaction that broke did not commit;
//     pqxx::in_doubt_error, where the commit may have happened, is not
//     retried);
//   - after a failed connect, further connects within `reconnect_cooldown`
//     fail at once instead of each request waiting for the network;
//   - a caller that finds every connection busy waits at most
//     `acquire_timeout`, then gets DatabaseUnavailable ("busy").
// The SSE outbox reader does not use this pool (it has its own connection),
// so a burst of API traffic cannot delay events.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace td::gateway {

class DatabaseUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PoolOptions {
  size_t size = 8;  // GATEWAY_DB_POOL
  std::chrono::milliseconds acquire_timeout{3000};
  std::chrono::milliseconds reconnect_cooldown{500};
};

class ConnectionPool {
 public:
  ConnectionPool(std::string url, PoolOptions options = {});
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs fn on a borrowed connection (fn opens its own transaction). Retries
  // once on a fresh connection when the connection broke; throws
  // DatabaseUnavailable when Postgres cannot be reached. Other exceptions
  // from fn pass through and the connection goes back to the pool.
  void run(const std::function<void(pqxx::connection&)>& fn);

  struct Stats {
    size_t open = 0, idle = 0;
    uint64_t broken = 0, connect_failures = 0;
  };
  Stats stats() const;

 private:
  std::unique_ptr<pqxx::connection> acquire();
  void release(std::unique_ptr<pqxx::connection> c);
  void discard();

  const std::string url_;
  const PoolOptions opt_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  size_t open_ = 0;  // idle + borrowed + being opened
  uint64_t broken_ = 0, connect_failures_ = 0;
  std::chrono::steady_clock::time_point last_connect_failure_{};
  std::string last_connect_error_;
};

}  // namespace td::gateway
