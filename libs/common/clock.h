// Clock: the one seam through which code reads the time, so tests can move it.
#pragma once

#include <chrono>
#include <atomic>

namespace td {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to (tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(24 * 365 * 50))
      : t_(start.time_since_epoch().count()) {}
  time_point now() const override { return time_point(time_point::duration(t_.load())); }
  void advance(std::chrono::system_clock::duration d) { t_ += d.count(); }
  void set(time_point t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<time_point::rep> t_;
};

}  // namespace td
