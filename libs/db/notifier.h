// Notifier: one LISTEN connection per process that turns NOTIFYs into
// wakeups for the threads that wait on it.
//
// It owns its connection: when the connection breaks it reconnects with
// backoff, LISTENs again (libpqxx 6.4 does not re-issue LISTEN on a new
// connection of ours) and then wakes every waiter once, because notifications
// sent while it was away are gone: the waiters poll to catch up.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace td::db {

class Notifier {
 public:
  // `on_notify` (optional) is called on the notifier's thread with each
  // payload, before waiters are woken.
  Notifier(std::string database_url, std::vector<std::string> channels,
           std::function<void(const std::string& channel, const std::string& payload)> on_notify = {});
  ~Notifier();

  void start();
  void stop();

  // A number that changes on every wakeup. Read it before checking for work,
  // then wait_for_change(seen, ...) so a wakeup between the two is not missed.
  uint64_t sequence() const { return seq_.load(); }
  // Returns when the sequence differs from `seen`, `timeout` passes, or
  // interrupt() is called. True when woken by a change.
  bool wait_for_change(uint64_t seen, std::chrono::milliseconds timeout);
  // Wakes every waiter (shutdown, or a local event such as a job finishing).
  void wake();
  // True once the first LISTEN is in place (tests wait for it).
  bool listening() const { return listening_.load(); }

 private:
  void run();

  std::string url_;
  std::vector<std::string> channels_;
  std::function<void(const std::string&, const std::string&)> on_notify_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};
  std::atomic<uint64_t> seq_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace td::db
