// A flag a background loop sleeps on: wait_for() returns early, and true,
// once stop() was called, so a loop that sleeps between rounds stops at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace td {

class StopFlag {
 public:
  void stop() {
    {
      std::lock_guard lk(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }
  bool stopped() const {
    std::lock_guard lk(mu_);
    return stopped_;
  }
  // Sleeps `d` or until stop(); true when stopped.
  bool wait_for(std::chrono::milliseconds d) {
    std::unique_lock lk(mu_);
    return cv_.wait_for(lk, d, [&] { return stopped_; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace td
